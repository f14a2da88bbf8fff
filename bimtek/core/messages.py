"""Messages built by pure code and translated where they are shown (pure).

A `Message` is the Indonesian text itself (a `str`, so PDFs, e-mails, exports, comparisons and storage keep
working unchanged) that also remembers its msgid and parameters. Pages hand it to `translate` (the Jinja
filter `tr`, flashes in views) which looks the msgid up in the current catalog and formats it there.
Pure modules mark their msgids with `N_` (pybabel extracts it by default) and counted ones with `N_plural`
(extract with `-k N_plural:1,2`, README "Translations"): Indonesian has no plural, English has "1 row"/"2 rows".
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def N_(text: str) -> str:
    """gettext_noop: marks a msgid for pybabel; the text itself is returned unchanged."""
    return text


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """ngettext_noop: marks a (singular, plural) pair for pybabel (keyword `N_plural:1,2`)."""
    return singular, plural


class Message(str):
    """Indonesian text of `msgid % params`, translatable later: Message(N_("Hadir %(n)s sesi"), n=3).

    A counted message (`Message.counted`) also has a plural msgid and a count, which is the `num` parameter,
    as in ngettext. Indonesian uses the singular msgid for every count."""

    msgid: str
    plural: str | None
    num: int | None  # the count of a counted message (not `count`: that is str.count)
    params: Mapping[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Message:
        return cls._make(msgid, None, None, params)

    @classmethod
    def counted(cls, singular: str, plural: str, num: int, /, **params: Any) -> Message:
        """Message.counted(*N_plural("%(num)s baris", "%(num)s baris"), 3): "1 row" / "3 rows" in English."""
        return cls._make(singular, plural, num, {**params, "num": num})

    @classmethod
    def _make(cls, msgid, plural, num, params):
        self = str.__new__(cls, msgid % params if params else msgid)
        self.msgid, self.plural, self.num, self.params = msgid, plural, num, dict(params)
        return self

    def __reduce__(self):  # copy and pickle rebuild from the msgid, not from the formatted text
        return _rebuild, (type(self), self.msgid, self.plural, self.num, dict(self.params))

    def __add__(self, other: str) -> Message:
        """A Message followed by more text stays translatable piece by piece."""
        return Joined((self, other)) if other else self

    def __radd__(self, other: str) -> Message:
        return Joined((other, self)) if other else self

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, {dict(self.params)!r})"

    def to_data(self) -> dict:
        """Plain JSON data (for a stored Message, e.g. an audit entry); `from_data` rebuilds it."""
        params = {key: value.to_data() if isinstance(value, Message) else _plain(value)
                  for key, value in self.params.items()}
        data = {"msgid": self.msgid, "params": params}
        return {**data, "plural": self.plural, "num": self.num} if self.plural is not None else data

    def translated(self, gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> str:
        """The text in the catalog behind `gettext`/`ngettext` (raw catalog lookups, no formatting)."""
        if self.plural is not None and self.num is not None:
            template = ngettext(self.msgid, self.plural, self.num)
        else:
            template = gettext(self.msgid)
        params = {key: translate(value, gettext, ngettext) if isinstance(value, Message) else value
                  for key, value in self.params.items()}
        try:
            return template % params if params else template
        except (KeyError, ValueError, TypeError):  # a broken translation: the Indonesian text, never an error page
            return str(self)


class Joined(Message):
    """Pieces (Messages or plain text) shown one after the other; each Message piece is translated."""

    parts: tuple

    def __new__(cls, parts):
        flat = []
        for part in parts:
            flat.extend(part.parts if isinstance(part, Joined) else (part,))
        self = str.__new__(cls, "".join(str(part) for part in flat))
        self.msgid, self.plural, self.num, self.params, self.parts = str(self), None, None, {}, tuple(flat)
        return self

    def __reduce__(self):
        return Joined, (self.parts,)

    def to_data(self) -> dict:
        return {"parts": [part.to_data() if isinstance(part, Message) else str(part) for part in self.parts]}

    def __repr__(self) -> str:
        return f"Joined({self.parts!r})"

    def translated(self, gettext, ngettext):
        return "".join(translate(part, gettext, ngettext) for part in self.parts)


def joined(parts, separator: str = " ") -> Message:
    """" ".join for Messages: the pieces with `separator` between them, each still translatable."""
    pieces: list = []
    for part in parts:
        pieces.extend((separator, part) if pieces else (part,))
    return Joined(tuple(pieces))


def from_data(data: Any) -> Message | str:
    """The Message that `Message.to_data` stored; a plain string stays a string."""
    if not isinstance(data, dict):
        return data
    if "parts" in data:
        return Joined(tuple(from_data(part) for part in data["parts"]))
    params = {key: from_data(value) for key, value in (data.get("params") or {}).items()}
    return Message._make(data["msgid"], data.get("plural"), data.get("num"), params)


def as_message(value: str) -> Message:
    """A Message as is; a plain string that is itself a msgid (a marked constant) as a Message of it."""
    return value if isinstance(value, Message) else Message(value)


def translate(value: Any, gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> str:
    """A Message in the catalog's language; any other value as its plain text (user data is never looked up)."""
    if isinstance(value, Message):
        return value.translated(gettext, ngettext)
    return "" if value is None else str(value)


def _rebuild(cls, msgid, plural, num, params):
    return cls._make(msgid, plural, num, params)


def _plain(value):
    """A JSON-native parameter as is, anything else (a date, an enum) as the text it was formatted with."""
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)
