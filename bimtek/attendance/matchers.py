"""The matchers of `matching`, one per kind of evidence, in the order they are tried (pure).

Each takes a log person, the `matching.RegistrationIndex` and the run's context and answers a `Match`, a reason for
manual review (a msgid or `Ambiguous`), or None (no opinion: the next matcher is asked).
"""

from __future__ import annotations

import re
from typing import Mapping

from rapidfuzz import fuzz

from bimtek.attendance.match_types import (
    METHOD_ALIAS,
    METHOD_ASSIGNED,
    METHOD_EMAIL,
    METHOD_EXACT,
    METHOD_FUZZY,
    METHOD_NUMBER,
    METHOD_RULE,
    Ambiguous,
    LogPerson,
    Match,
    Registration,
    number_key,
)
from bimtek.attendance.name_tokens import tokens_agree
from bimtek.attendance.names import alias_key, is_generic_device, mark_keys, normalize_name
from bimtek.core.messages import N_  # the queue reasons are msgids (pages show them translated)

_ASCII_DIGIT = re.compile(r"[0-9]")
NUMBER_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/.]*")
_LEADING_NUMBER = re.compile(r"^\s*[\[(]?(\d{1,6})[\])]?(?:[\s_\-.:)\]]+|$)")
_TAIL_DIGITS_REVERSED = re.compile(r"\D*(\d+)")  # `(\d+)\D*$` read from the end: no retry at every digit


def tail_digits(number: str) -> int | None:
    """The last digits of a registration number as a number ("SPP2020-0012" → 12), None without digits."""
    found = _TAIL_DIGITS_REVERSED.match(number[::-1])
    return int(found.group(1)[::-1]) if found else None


def tail_index(registrations, tails=None) -> dict[int, Registration | None]:
    """{tail digits: the registration ending in them, None when several do}; `tails`: `tail_digits` of each
    registration's number when computed in bulk (`registration_keys`)."""
    if tails is None:
        tails = (tail_digits(registration.number or "") for registration in registrations)
    index: dict[int, Registration | None] = {}
    for registration, tail in zip(registrations, tails):
        if tail is not None:
            index[tail] = None if tail in index else registration
    return index


def _by_number(person: LogPerson, index, ctx: dict):
    return by_number_token(person, index) or by_leading_number(person, index)


def by_number_token(person: LogPerson, index) -> Match | None:
    """A registration number written in one of the names (the first such token, name by name)."""
    for name in person.names:
        if not _ASCII_DIGIT.search(name):  # tokens are ASCII: without an ASCII digit none can hold a number
            continue
        for token in NUMBER_TOKEN.findall(name):
            if _ASCII_DIGIT.search(token):
                found = index.by_number.get(number_key(token.rstrip("-/.")))
                if found:
                    return Match(found.number, METHOD_NUMBER, 1.0)
    return None


def by_leading_number(person: LogPerson, index) -> Match | None:
    """A name starting with the digits a registration number ends in ("0012_Budi"), when the rest fits."""
    for name in person.names:
        leading = _LEADING_NUMBER.match(name)
        if leading is None:
            continue
        found = index.by_tail.get(int(leading.group(1)))
        if found and _plausible(name[leading.end():], found.name):
            return Match(found.number, METHOD_NUMBER, 0.95)
    return None


def _plausible(rest: str, registered: str) -> bool:
    query = normalize_name(rest)
    return not query or fuzz.token_set_ratio(query, normalize_name(registered)) >= 60


def _by_email(person: LogPerson, index, ctx: dict):
    found = index.by_email.get(person.email.lower()) if person.email else None
    return Match(found.number, METHOD_EMAIL, 1.0) if found else None


def _by_assignment(person: LogPerson, index, ctx: dict):
    number = ctx["assignments"].get(person.key)
    if number and number_key(number) in index.by_number:
        return Match(index.by_number[number_key(number)].number, METHOD_ASSIGNED, 1.0)
    return None


def _by_mark(person: LogPerson, index, ctx: dict):
    blocked = ctx["blocked"]
    if blocked and any(key in blocked for key in mark_keys(person.names, person.email)):
        return MARKED
    return None


def _by_alias(person: LogPerson, index, ctx: dict):
    aliases, emails = ctx["aliases"], ctx["email_aliases"]
    number = emails.get(person.email.lower()) if person.email and emails else None
    if not number and aliases:  # nothing remembered: skip normalising every name
        numbers = {aliases.get(alias_key(name)) for name in person.names
                   if name.strip() and not is_generic_device(name)}
        numbers.discard(None)
        number = numbers.pop() if len(numbers) == 1 else None
    if number and number_key(number) in index.by_number:
        return Match(index.by_number[number_key(number)].number, METHOD_ALIAS, 0.95)
    return None


def _alias_tables(aliases: Mapping[str, str] | None) -> tuple[dict, dict]:
    """({alias_key: number}, {e-mail: number}); a key remembered for two registrants is dropped (ambiguous)."""
    names: dict[str, str | None] = {}
    emails: dict[str, str | None] = {}
    for key, number in (aliases or {}).items():
        if not key.strip():
            continue
        table, key = (emails, key[6:].strip().lower()) if key.startswith("email:") else (names, alias_key(key))
        table[key] = number if table.get(key, number) == number else None
    return ({k: v for k, v in names.items() if v}, {k: v for k, v in emails.items() if v})


def _by_exact_name(person: LogPerson, index, ctx: dict):
    for name in person.names:
        found = index.by_name.get(normalize_name(name))
        if found and len(found) == 1:
            return Match(found[0].number, METHOD_EXACT, 0.9)
        if found:
            return N_("nama sama dengan beberapa pendaftar")
    return None


def _by_name_rules(person: LogPerson, index, ctx: dict):
    number, fitting = index.rules.find(person.names)
    if number:
        return Match(number, METHOD_RULE, 0.85)
    if fitting:
        return Ambiguous(N_("nama cocok sebagian dengan beberapa pendaftar"), tuple(fitting[:3]))
    return None


def _by_fuzzy_name(person: LogPerson, index, ctx: dict):
    ranked = ctx["candidates"](person)
    if not ranked or ranked[0][1] < ctx["threshold"]:
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    registrations = index.by_name[ranked[0][0]]
    if ranked[0][1] - runner_up < ctx["margin"] or len(registrations) != 1:
        return N_("beberapa pendaftar bernama mirip")
    if not any(tokens_agree(normalize_name(name), ranked[0][0]) for name in person.names):
        return N_("nama hanya mirip sebagian dengan pendaftar")
    return Match(registrations[0].number, METHOD_FUZZY, round(0.9 * ranked[0][1] / 100, 3))


MATCHERS = (_by_assignment, _by_number, _by_email, _by_mark, _by_alias, _by_exact_name, _by_name_rules,
            _by_fuzzy_name)
MARKED = N_("ditandai bukan peserta")
