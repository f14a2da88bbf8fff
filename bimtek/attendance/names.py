"""Comparable forms of names seen in meeting logs and registrations (pure): gelar, accents, brackets, numbers and
device words removed; keys of remembered aliases and of "Bukan peserta" marks."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Sequence

_GELAR = frozenset({
    "dr", "drs", "dra", "ir", "h", "hj", "prof", "kh", "spd", "mpd", "msi", "ssi", "sip", "amd", "skom", "mkom",
    "se", "sh", "mm", "st", "mt", "ssos", "sag", "spdi", "mpdi", "shi", "sth", "sfarm", "apt", "skep", "ners",
    "ns", "mkes", "skm", "lc", "mba", "phd", "ak", "sikom", "msc", "meng", "bsc", "ssn", "shum", "mhum", "sp",
    "ama", "amk", "ame", "stp", "spt", "spsi", "mpsi", "sstp", "mag", "mak", "ssy", "sei", "sps", "dipl",
})
_DOTTED_GELAR = re.compile(r"^(?:[a-z]{1,3}\.)+[a-z]{0,5}\.?$")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_DEVICES = r"(?:iphone|ipad|android|galaxy|samsung|redmi|xiaomi|oppo|vivo|realme|infinix|laptop|notebook|macbook|" \
           r"pc|phone|tablet|hp|komputer|computer|desktop)"
_POSSESSIVE_DEVICE = re.compile(r"['’`]s\b(?:\s+[\w-]+){0,3}?\s+" + _DEVICES + r"\b.*$")
_DEVICE_WORDS = frozenset(_DEVICES[3:-1].split("|"))
_DIGIT_TOKEN = re.compile(r"\b[^\W\d_]*\d[\w\-/.]*")
_NOT_LETTER = re.compile(r"[^\w.]|[\d_]")
_SEPARATORS = re.compile(r"[\s,]+")


def normalize_name(name: str) -> str:
    """Comparable form of a name: no gelar, accents, brackets, numbers, devices, punctuation; tokens sorted."""
    key = _KEYS.get(name)
    if key is None:
        if len(_KEYS) >= _KEYS_MAX:
            _KEYS.clear()
        key = _KEYS[name] = _normalized(name)
    return key


def remember_keys(texts: Sequence[str], keys: Sequence[str]) -> None:
    """Keep `normalize_name` of names computed in bulk (`name_columns`): the matcher asks for them again."""
    if len(_KEYS) + len(texts) >= _KEYS_MAX:
        _KEYS.clear()
    _KEYS.update(zip(texts, keys))


def remembered_keys(texts: Sequence[str]) -> list[str | None]:
    """`normalize_name` of each text when it is remembered, else None."""
    return list(map(_KEYS.get, texts))


# names come back (every session of a training, each matcher step): each is normalised once per process (bounded)
_KEYS: dict[str, str] = {}
_KEYS_MAX = 200_000


def _normalized(name: str) -> str:
    text = name if name.isascii() else "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    text = text.lower().replace("_", " ")
    if "(" in text or "[" in text:  # the `in` guards skip regex calls that cannot match (same result)
        text = _BRACKETS.sub(" ", text)
    text = _DIGIT_TOKEN.sub(" ", text)
    if "'" in text or "’" in text or "`" in text:
        text = _POSSESSIVE_DEVICE.sub("", text)
    tokens = []
    if len(_WORDS) > _WORDS_MAX:
        _WORDS.clear()
    for token in _SEPARATORS.split(text):
        word = _WORDS.get(token)
        if word is None:
            word = _WORDS[token] = _word(token)
        if word:
            tokens.append(word)
    return " ".join(sorted(tokens))


# names share their words: each distinct word is cleaned once per process (bounded: emptied when full)
_WORDS: dict[str, str] = {}
_WORDS_MAX = 200_000


def cleaned_words(tokens: Iterable[str]) -> dict[str, str]:
    """{token: `_word(token)`} (each remembered like `normalize_name`'s words)."""
    if len(_WORDS) > _WORDS_MAX:
        _WORDS.clear()
    out = {}
    for token in tokens:
        word = _WORDS.get(token)
        if word is None:
            word = _WORDS[token] = _word(token)
        out[token] = word
    return out


def _word(token: str) -> str:
    """A token of `normalize_name` as it is kept, or "" (gelar, device word, nothing left)."""
    if not token.isalpha():  # letters only: nothing for _NOT_LETTER to remove
        token = _NOT_LETTER.sub("", token)
    if token and not _is_gelar(token) and token not in _DEVICE_WORDS:
        return token.replace(".", "")
    return ""


def clear_caches() -> None:
    """Forget every name normalised so far (benchmarks measuring a fresh process)."""
    _KEYS.clear()
    _WORDS.clear()


def alias_key(name: str) -> str:
    """Key of a remembered alias: the normalised name, or the case-folded text when nothing is left of it
    (device names such as "HP Samsung A12" normalise to "" and must not match every other device name)."""
    return normalize_name(name) or " ".join(name.casefold().split())


def is_generic_device(name: str) -> bool:
    """True for a bare device name ("iPhone", "Android", "Samsung"): many people show up like that, so it is
    never remembered across sessions (a model name such as "Galaxy A52" is specific enough)."""
    tokens = alias_key(name).split()
    return bool(tokens) and all(token in _DEVICE_WORDS for token in tokens)


def mark_keys(names: Iterable[str], email: str = "") -> list[str]:
    """Keys of a "Bukan peserta" mark that covers this identity: its e-mail when the log shows one (an
    identity with an e-mail is that e-mail), else each of its names (`name:<alias_key>`)."""
    email = " ".join((email or "").split()).lower()
    if email:
        return [f"email:{email}"]
    return list(dict.fromkeys(f"name:{alias_key(n)}" for n in names if n and n.strip()))


def is_dropped(token: str) -> bool:
    return _is_gelar(token) or token in _DEVICE_WORDS


def _is_gelar(token: str) -> bool:
    return token.replace(".", "") in _GELAR or ("." in token and bool(_DOTTED_GELAR.match(token)))
