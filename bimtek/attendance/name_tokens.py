"""Whether two names are the same name misspelt, word by word (pure): the last check before a fuzzy match."""
from rapidfuzz import fuzz

_TOKEN_SIMILAR = 75.0
_SHORT_TOKEN = 5


def tokens_agree(query: str, registered: str) -> bool:
    """Every word of each name has a look-alike in the other (a typo, not a different name): "Rudi Kurniawan" is
    not "Sri Kurniawan" nor "Budi Kurniawan", however close the whole strings are."""
    left, right = query.split(), registered.split()
    if not left or not right:
        return False
    return all(any(_token_like(a, b) for b in right) for a in left) and \
        all(any(_token_like(a, b) for a in left) for b in right)


def _token_like(a: str, b: str) -> bool:
    """Equal, swapped letters ("Bdui"), or for longer words a close spelling ("Santsoo", "Kurniawn"); a short
    word with another letter is another name (Rudi/Budi, Dewi/Dedi, Rina/Lina)."""
    if a == b or sorted(a) == sorted(b):
        return True
    return min(len(a), len(b)) > _SHORT_TOKEN and fuzz.ratio(a, b) >= _TOKEN_SIMILAR
