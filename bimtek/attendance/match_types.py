"""The values identity matching works with and answers (pure): registrations, log people, matches, methods."""

from __future__ import annotations

from dataclasses import dataclass, field

METHOD_NUMBER = "registration_number"
METHOD_EMAIL = "email"
METHOD_ALIAS = "alias"
METHOD_EXACT = "exact_name"
METHOD_FUZZY = "fuzzy_name"
METHOD_ASSIGNED = "assigned"
METHOD_RULE = "name_rule"
STRONG_METHODS = frozenset({METHOD_NUMBER, METHOD_EMAIL})
MANUAL_METHODS = frozenset({METHOD_ASSIGNED, METHOD_ALIAS})


@dataclass(frozen=True)
class Registration:
    """A registrant as the matcher needs it (plain values from the app's Registration row)."""

    number: str
    name: str
    email: str = ""


@dataclass(frozen=True)
class LogPerson:
    """One person as seen in the logs: a grouping key, every name seen (display and original), e-mail."""

    key: str
    names: tuple[str, ...]
    email: str = ""


@dataclass(frozen=True)
class Match:
    """How a log person was tied to a registration."""

    registration: str
    method: str
    confidence: float


@dataclass(frozen=True)
class Suggestion:
    """A candidate registration for manual review."""

    registration: str
    name: str
    score: float


@dataclass(frozen=True)
class Unmatched:
    """A log person left for manual review, with up to three suggestions."""

    key: str
    name: str
    email: str
    reason: str
    suggestions: tuple[Suggestion, ...] = ()


@dataclass
class MatchResult:
    """Matches by log-person key, plus everything unresolved."""

    matches: dict[str, Match] = field(default_factory=dict)
    unmatched: list[Unmatched] = field(default_factory=list)
    fuzzy_skipped: int = 0  # people left without fuzzy matching by FUZZY_QUERY_CAP


@dataclass(frozen=True)
class Ambiguous:
    """Several registrants fit a log name by the careful rules: manual, with them as suggestions."""

    reason: str
    numbers: tuple[str, ...]


def number_key(number: str) -> str:
    """Comparable registration number: upper case, no spaces."""
    return "".join(number.split()).upper()
