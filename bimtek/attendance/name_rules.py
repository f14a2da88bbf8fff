"""Careful name rules for log names that are not an exact or fuzzy match (pure).

What a careful person accepts, and only when exactly one registrant fits and no other comes close:
- a missing middle name or an initial ("Siti Rahayu", "Siti N. Rahayu" for "Siti Nur Rahayu");
- a name typed without spaces ("SitiNurRahayu", "sitirahayu");
- surname first with a comma ("Rahayu, Siti" for "Siti Nur Rahayu");
- gelar, accents and devices are dropped by `ordered_tokens` ("Dr. Sití Rahayu's iPhone");
- a suffix after the full name ("Budi Santoso TBM Pelangi") when the registrant has at least two name tokens.

Never from a single token (a first name or a surname alone), and never when two registrants fit or another
registrant shares two name tokens with the log name (then it goes to the review queue with suggestions).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Iterable

import numpy as np

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_DIGITS = re.compile(r"\b[^\W\d_]*\d[\w\-/.]*")
_POSSESSIVE = re.compile(r"['’`]s\b.*$")
_SPLIT = re.compile(r"[\s,;/|\-_]+")

RULE_PARTIAL = "partial"     # missing middle names / initials, in order
RULE_JOINED = "joined"       # typed without spaces
RULE_SUFFIX = "suffix"       # full name followed by something else


@dataclass(frozen=True)
class RuleHit:
    """A registrant one of the careful rules found for a log name."""

    number: str
    rule: str


@lru_cache(maxsize=200_000)  # registrants' names come back for every session of a training (and every preview)
def ordered_tokens(name: str, is_dropped) -> tuple[str, ...]:
    """Name tokens in reading order: camelCase split, accents/brackets/numbers/possessive devices removed,
    `is_dropped(token)` (gelar, device words) removed; "Rahayu, Siti" becomes ("siti", "rahayu")."""
    text = _CAMEL.sub(" ", name)
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = text.lower()
    text = _POSSESSIVE.sub("", _DIGITS.sub(" ", _BRACKETS.sub(" ", text)))
    parts = [_clean(part, is_dropped) for part in text.split(",")]
    parts = [p for p in parts if p]
    if len(parts) == 2 and len(parts[0]) == 1:
        parts = [parts[1], parts[0]]  # "Rahayu, Siti Nur": surname first with a comma (gelar parts are empty)
    return tuple(token for part in parts for token in part)


def clear_caches() -> None:
    """Forget every name tokenised so far (benchmarks measuring a fresh process)."""
    ordered_tokens.cache_clear()
    _CLEANED.clear()


def _clean(part: str, is_dropped) -> list[str]:
    cache = _CLEANED.get(is_dropped)
    if cache is None or len(cache) > _CLEANED_MAX:
        cache = _CLEANED[is_dropped] = {}
    tokens = []
    for token in _SPLIT.split(part):
        cleaned = cache.get(token)
        if cleaned is None:
            cleaned = cache[token] = _clean_token(token, is_dropped)
        if cleaned:
            tokens.append(cleaned)
    return tokens


# names share their words: each distinct word is cleaned once per process (bounded: emptied when full)
_CLEANED: dict = {}
_CLEANED_MAX = 200_000


def _clean_token(token: str, is_dropped) -> str:
    """The token as a name word, or "" (gelar, device word, nothing left)."""
    if not token.isalpha():  # letters only (the usual case): nothing to remove, skip the per-letter loop
        token = "".join(ch for ch in token if ch.isalpha() or ch == ".")
    if token and not is_dropped(token):
        return token.replace(".", "")
    return ""


class NameRules:
    """Token and joined-name lookups over the registrants (built once per training)."""

    def __init__(self, registrations: Iterable, is_dropped, name_tokens: Iterable[tuple[str, ...]] | None = None):
        """`name_tokens`: `ordered_tokens(name, is_dropped)` of every registrant, when computed in bulk."""
        self.is_dropped = is_dropped
        # the rules' own lookups (`_hits`): by sorted tokens, by (first, last) token, by the whole token tuple,
        # by the tokens written together; each {key: registration numbers}
        registrations = list(registrations)
        if name_tokens is None:
            name_tokens = (ordered_tokens(registration.name, is_dropped) for registration in registrations)
        named = [(registration.number, tokens) for registration, tokens in zip(registrations, name_tokens) if tokens]
        numbers = [number for number, _ in named]
        token_lists = [tokens for _, tokens in named]
        self.tokens = dict(named)
        self.by_sorted = _grouped(map(tuple, map(sorted, token_lists)), numbers)
        self.by_ends = _grouped([(tokens[0], tokens[-1]) for tokens in token_lists], numbers)
        self.by_tokens = _grouped(token_lists, numbers)
        self.by_joined = _grouped(["".join(tokens) for tokens in token_lists], numbers)
        for number, tokens in named:
            if len(tokens) > 2:
                self.by_joined.setdefault(tokens[0] + tokens[-1], set()).add(number)
        self.numbers = list(dict.fromkeys(numbers))  # distinct registration numbers; `by_token` holds positions
        self.by_token = _token_positions(token_lists, numbers, self.numbers)

    def find(self, names: Iterable[str]) -> tuple[str | None, list[str]]:
        """(the one registrant number the rules give, or None; the registrants that fit or come close)."""
        hits: dict[str, str] = {}
        seen = [tokens for tokens in (ordered_tokens(name, self.is_dropped) for name in names) if tokens]
        for tokens in seen:
            for hit in self._hits(tokens):
                hits.setdefault(hit.number, hit.rule)
        if not hits:  # nothing fits: who comes close does not matter (the usual case, so not computed)
            return None, []
        close: set[str] = set()
        for tokens in seen:
            close |= self._close(tokens)
        if len(hits) == 1:
            number = next(iter(hits))
            if not (close - {number}):
                return number, [number]
        return None, sorted(set(hits) | (close if hits else set()))

    def _hits(self, tokens: tuple[str, ...]) -> list[RuleHit]:
        hits = []
        if len(tokens) == 1 and len(tokens[0]) >= 6:
            hits += [RuleHit(n, RULE_JOINED) for n in self.by_joined.get(tokens[0], ())
                     if len(self.tokens[n]) >= 2]
        if len(tokens) < 2:
            return hits
        # registrants sharing two tokens that fit a rule, found through the rule's own lookup instead of
        # testing every one of the (often hundreds) sharing two common tokens; the same set of registrants
        order = sorted(tokens)
        joined = {number for number in self.by_sorted.get(tuple(order), ()) if sorted(self.tokens[number]) == order}
        partial = {number for number in self.by_ends.get((tokens[0], tokens[-1]), ())
                   if number not in joined and _in_order_partial(tokens, self.tokens[number])}
        suffix = {number for size in range(2, len(tokens)) for number in self.by_tokens.get(tokens[:size], ())
                  if number not in joined and number not in partial and self.tokens[number] == tokens[:size]}
        found = [(joined, RULE_JOINED), (partial, RULE_PARTIAL), (suffix, RULE_SUFFIX)]
        if any(found_set for found_set, _ in found):
            sharing = set(self._sharing(tokens, 2))
            hits += [RuleHit(number, rule) for numbers, rule in found for number in sorted(numbers)
                     if number in sharing]
        return hits

    def _close(self, tokens: tuple[str, ...]) -> set[str]:
        """Registrants sharing at least two name tokens with the log name (or its joined form)."""
        close = set(self._sharing(tokens, 2)) if len(tokens) >= 2 else set()
        return close | self.by_joined.get("".join(tokens), set())

    def _sharing(self, tokens: tuple[str, ...], at_least: int) -> list[str]:
        found = [self.by_token[token] for token in set(tokens) if token in self.by_token]
        if len(found) < at_least:
            return []
        counts = np.bincount(np.concatenate(found), minlength=len(self.numbers))
        return [self.numbers[position] for position in np.flatnonzero(counts >= at_least).tolist()]


def _grouped(keys, numbers: list[str]) -> dict:
    """{key: set of the numbers at the key's positions}."""
    out: dict = {}
    for key, number in zip(keys, numbers):
        found = out.get(key)
        if found is None:
            out[key] = {number}
        else:
            found.add(number)
    return out


def _token_positions(token_lists: list[tuple[str, ...]], numbers: list[str], distinct: list[str]) -> dict:
    """{token: positions in `distinct` of the registrants with the token}: token codes sorted once instead of a
    set per token (common tokens, "budi", "santoso", are shared by thousands)."""
    if not token_lists:
        return {}
    code_of: dict[str, int] = {}
    codes = np.fromiter([code_of.setdefault(token, len(code_of)) for token in chain.from_iterable(token_lists)],
                        dtype=np.int64)
    position_of = {number: position for position, number in enumerate(distinct)}
    positions = np.repeat(np.fromiter(map(position_of.__getitem__, numbers), dtype=np.int32, count=len(numbers)),
                          np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists)))
    if len(distinct) == len(numbers):  # positions ascend along the rows: a stable sort by code keeps them so
        order = np.argsort(codes, kind="stable")
    else:  # a number registered twice: its position comes back later
        order = np.lexsort((positions, codes))
    codes, positions = codes[order], positions[order]
    new_code = np.r_[True, codes[1:] != codes[:-1]]
    kept = new_code | np.r_[True, positions[1:] != positions[:-1]]  # a token twice in one name counts once
    starts = np.flatnonzero(new_code[kept])
    return dict(zip(code_of, np.split(positions[kept], starts[1:])))


def _in_order_partial(tokens: tuple[str, ...], registered: tuple[str, ...]) -> bool:
    """First and last tokens equal, every log token found in order (a one-letter token = an initial) and at
    least one registered middle token missing: "Siti Rahayu" / "Siti N. Rahayu" for "Siti Nur Rahayu"."""
    if len(registered) < 3 or not 2 <= len(tokens) <= len(registered):
        return False
    if tokens[0] != registered[0] or tokens[-1] != registered[-1]:
        return False
    position = 1
    for token in tokens[1:-1]:
        while position < len(registered) - 1 and not _fits(token, registered[position]):
            position += 1
        if position >= len(registered) - 1:
            return False
        position += 1
    return tuple(tokens) != tuple(registered)


def _fits(token: str, registered: str) -> bool:
    return token == registered or (len(token) == 1 and registered.startswith(token))
