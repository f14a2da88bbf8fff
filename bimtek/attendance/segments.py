"""Normalised attendance segments and the single error type of the attendance package (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bimtek.core.errors import DomainError

ROLE_HOST = "host"
ROLE_PANELIST = "panelist"
ROLE_ATTENDEE = "attendee"

FLAG_WAITING_ROOM = "waiting_room"
FLAG_GUEST = "guest"
FLAG_TOTALS_ONLY = "totals_only"
FLAG_MISSING_LEAVE = "missing_leave"
FLAG_JOINED_BEFORE = "joined_before"

NO_FLAGS: frozenset = frozenset()


class LogFormatError(DomainError):
    """An uploaded log (or roster) cannot be read; the message names file, line and expectation."""

    def __init__(self, filename, line, problem, expected, column=None):
        name = _one_line(filename) or "berkas"
        where = f"baris {line}, kolom {column}" if column else f"baris {line}"
        message = f"{name} {where}: {_one_line(problem)} — diharapkan {_one_line(expected)}"
        super().__init__(message, filename=filename, line=line, expected=expected, column=column)
        self.filename = filename
        self.line = line
        self.column = column


def _one_line(text) -> str:
    return " ".join(str(text).split())


@dataclass(slots=True)
class Segment:
    """One join→leave interval of one log person (times aware UTC; None only for totals-only rows)."""

    name: str
    original_name: str
    email: str
    join: datetime | None
    leave: datetime | None
    source: str
    line: int
    role: str = ROLE_ATTENDEE
    flags: frozenset = NO_FLAGS
    total_seconds: int | None = None

    def dedup_key(self) -> tuple:
        """Identity of the row for de-duplication across files: (name, join, leave, total)."""
        return (self.name, self.original_name, self.join, self.leave, self.total_seconds)


def clean_email(value: str) -> str:
    """Return a plausible e-mail address lower-cased, or "" for placeholders ("EMAIL", masked "taro1…")."""
    value = value.strip()
    if "@" not in value or " " in value or "…" in value or value.count("@") != 1:
        return ""
    local, _, domain = value.partition("@")
    if not local or "." not in domain:
        return ""
    return value.lower()
