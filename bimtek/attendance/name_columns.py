"""`names.normalize_name` and `name_rules.ordered_tokens` over many names at once, as polars string kernels (pure).

For the registrants of a training (thousands of names, each normalised once per analysis): the same regexes
run once over the whole column instead of once per name in Python. Only names of printable ASCII
(U+0020…U+007E) go through the kernels: there Python's `re` (str patterns) and polars' regex agree on
`\\w`, `\\d`, `\\s` and `\\b`, `str.isalpha()` means [A-Za-z] and sorting by code point is sorting by byte.
Every other name (accents, other scripts, control characters) is given to the Python function itself, so the
results are those of the Python functions for every name (`tests/unit/attendance/test_name_columns.py`
compares them on random names).

polars runs only when these functions are called (an analysis), never at import.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from bimtek.attendance import name_rules, names

# the texts the kernels read as Python does (see above); registration_keys and matching_bulk use it too
PRINTABLE_ASCII = r"^[\x20-\x7e]*$"
# the patterns of `names` / `name_rules`, as the Rust regex engine reads them (no lookaround)
_BRACKETS = r"\([^()]*\)|\[[^\[\]]*\]"
_DIGIT_TOKEN = r"\b[^\W\d_]*\d[\w\-/.]*"  # nosec B105  # a regex ("token"), not a password
_POSSESSIVE_DEVICE = r"['’`]s\b(?:\s+[\w-]+){0,3}?\s+" + names._DEVICES + r"\b.*$"
_POSSESSIVE = r"['’`]s\b.*$"
_CAMEL = r"([a-z])([A-Z])"  # `(?<=[a-z])(?=[A-Z])`: a space between; two matches never share a letter



def normalized_names(texts: Sequence[str], *, beside_other_work: bool = False) -> list[str]:
    """[normalize_name(text) for text in texts] (and `normalize_name` remembers them); names it already knows
    (a registrant's name asked again) are not computed again. `beside_other_work`: the caller runs in a thread
    beside other Python work (the prepared index): the keys are also sorted and joined natively, which holds the
    GIL far less but costs a little more in all (a fixed cost that small lists feel)."""
    known = names.remembered_keys(texts)
    missing = [text for text, key in zip(texts, known) if key is None]
    found = iter(_normalized(missing, beside_other_work) if missing else ())
    keys = [next(found) if key is None else key for key in known]
    if missing:
        names.remember_keys(texts, keys)
    return keys


def ordered_name_tokens(texts: Sequence[str]) -> list[tuple[str, ...]]:
    """[name_rules.ordered_tokens(text, names.is_dropped) for text in texts]."""
    return _ordered(list(texts)) if texts else []


def _normalized(texts: list[str], natively: bool) -> list[str]:
    # the regexes over the column and its distinct words (names share words: each is cleaned once); commas are
    # spaces, so splitting at spaces (printable ASCII has no other whitespace) gives `names._SEPARATORS`' pieces
    cleaning = pl.col("text").str.to_lowercase().str.replace_all("_", " ", literal=True) \
        .str.replace_all(_BRACKETS, " ").str.replace_all(_DIGIT_TOKEN, " ").str.replace_all(_POSSESSIVE_DEVICE, "") \
        .str.replace_all(",", " ", literal=True)
    split = pl.LazyFrame({"text": texts}, schema={"text": pl.String}).select(
        plain=pl.col("text").str.contains(PRINTABLE_ASCII), text=cleaning)
    frame, distinct = pl.collect_all([split, split.select(pl.col("text").str.split(" ").explode().unique())])
    table = names.cleaned_words(word for word in distinct.to_series().to_list() if word)
    if natively:  # dropped words removed, the rest sorted (by byte = by code point for ASCII) and joined
        kept = pl.element().replace_strict(list(table), list(table.values()), default="", return_dtype=pl.String)
        keys = frame.lazy().select(pl.col("text").str.split(" ").list.eval(kept.filter(kept != "").sort())
                                   .list.join(" ")).collect().to_series().to_list()
        return [key if plain else names.normalize_name(text)  # any other name: by the function
                for key, plain, text in zip(keys, frame.get_column("plain").to_list(), texts)]
    word = table.__getitem__
    return [" ".join(sorted(filter(None, map(word, cleaned.split())))) if plain else names.normalize_name(text)
            for cleaned, plain, text in zip(frame.get_column("text").to_list(), frame.get_column("plain").to_list(),
                                            texts)]


def _ordered(texts: list[str]) -> list[tuple[str, ...]]:
    # the regexes over the column and its distinct words, natively; then `name_rules._SPLIT` without its comma
    # is a space (commas split parts). The tuples are put together here from one cleaned string per distinct
    # word: the lookups of `NameRules` hash and compare those shared strings faster than one per name.
    cleaned = pl.col("text").str.replace_all(_CAMEL, "${1} ${2}").str.to_lowercase().str.replace_all(_BRACKETS, " ") \
        .str.replace_all(_DIGIT_TOKEN, " ").str.replace_all(_POSSESSIVE, "").str.replace_all(r"[;/|\-_]", " ")
    split = pl.LazyFrame({"text": texts}, schema={"text": pl.String}).select(
        plain=pl.col("text").str.contains(PRINTABLE_ASCII), text=cleaned)
    frame, distinct = pl.collect_all([split, split.select(
        pl.col("text").str.replace_all(",", " ", literal=True).str.split(" ").explode().unique())])
    kept = {word: name_rules._clean_token(word, names.is_dropped)
            for word in distinct.to_series().to_list() if word}.__getitem__
    out = []
    for text, plain, original in zip(frame.get_column("text").to_list(), frame.get_column("plain").to_list(), texts):
        if not plain:  # any other name: by the function
            out.append(name_rules.ordered_tokens(original, names.is_dropped))
        elif "," not in text:
            out.append(tuple(filter(None, map(kept, text.split()))))
        else:
            parts = [part for part in ([word for word in map(kept, piece.split()) if word]
                                       for piece in text.split(",")) if part]
            if len(parts) == 2 and len(parts[0]) == 1:
                parts = [parts[1], parts[0]]  # "Rahayu, Siti Nur": the surname written first (as `ordered_tokens`)
            out.append(tuple(word for part in parts for word in part))
    return out
