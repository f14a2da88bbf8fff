"""`matching._first_answer` for every log person of a session at once (pure).

The same matchers in the same order, each asked only about the people no earlier matcher answered; the two
that look at every name — a registration number written in a name, the exact normalised name — run over all
names at once (polars string kernels, one join, `name_columns.normalized_names`) instead of name by name, and the
e-mail look-up in one loop. The rest (the organizer's decisions, careful name rules) stay per person: they are
dict look-ups, or run only for the few people left. `tests/unit/attendance/test_matching_bulk.py` compares the
answers with `_first_answer`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from bimtek.attendance.match_types import METHOD_EMAIL, METHOD_EXACT, METHOD_NUMBER, LogPerson, Match
from bimtek.attendance.matchers import NUMBER_TOKEN, _by_email, _by_exact_name, _by_number, by_leading_number
from bimtek.attendance.name_columns import PRINTABLE_ASCII, normalized_names
from bimtek.core.messages import N_

BULK_FROM = 64  # fewer people (a preview, one identity): name by name, without the fixed cost of a polars query
# `matchers._LEADING_NUMBER` for printable ASCII (`\s` is a space there), and the rest of the name after it
_LEADING = r"^ *[\[(]?(?<tail>[0-9]{1,6})[\])]?(?:[ _\-.:)\]]+|$)(?<rest>.*)$"


def first_answers(people: list[LogPerson], index, ctx: dict, matchers) -> list:
    """[_first_answer(person, index, ctx, matchers) for person in people]."""
    bulk_matchers = _BULK if len(people) >= BULK_FROM else {}
    answers: list = [None] * len(people)
    pending = list(range(len(people)))
    for matcher in matchers:
        if not pending:
            break
        asked = [people[i] for i in pending]
        bulk = bulk_matchers.get(matcher)
        found: list = bulk(asked, index) if bulk is not None else [matcher(person, index, ctx) for person in asked]
        still = []
        for position, answer in zip(pending, found):
            if answer is None:
                still.append(position)
            else:
                answers[position] = answer
        pending = still
    return answers


def _flat(people: list[LogPerson]) -> tuple[list[str], np.ndarray]:
    """Every name of every person, person after person, and the position of its person."""
    names = [name for person in people for name in person.names]
    return names, np.repeat(np.arange(len(people), dtype=np.int64), [len(person.names) for person in people])


def _numbers(people: list[LogPerson], index) -> list[Match | None]:
    """`matchers._by_number` of each person: number tokens joined with the registrations' numbers at once; the
    leading-number rule (a fuzzy check of the rest of the name) only for people with a name that may start
    with a number."""
    names, owners = _flat(people)
    registrations = list(index.by_number.values())
    table = pl.DataFrame({"key": list(index.by_number), "found": np.arange(len(registrations))},
                         schema={"key": pl.String, "found": pl.Int64})
    frame = pl.DataFrame({"owner": owners, "name": names}, schema={"owner": pl.Int64, "name": pl.String})
    hits = (frame.lazy().filter(pl.col("name").str.contains("[0-9]"))
            .select("owner", token=pl.col("name").str.extract_all(NUMBER_TOKEN.pattern))
            .explode("token")  # in name order, then token order: the order the Python matcher tries them
            .filter(pl.col("token").str.contains("[0-9]"))
            .select("owner", key=pl.col("token").str.strip_chars_end("-/.").str.to_uppercase())
            .join(table.lazy(), on="key", how="inner", maintain_order="left")
            .unique("owner", keep="first", maintain_order=True)
            .collect())
    out: list[Match | None] = [None] * len(people)
    for owner, found in zip(hits.get_column("owner").to_list(), hits.get_column("found").to_list()):
        out[owner] = Match(registrations[found].number, METHOD_NUMBER, 1.0)
    token = np.zeros(len(people), dtype=bool)
    token[hits.get_column("owner").to_numpy()] = True
    for position, match in _leading_numbers(frame.filter(pl.Series(~token[owners])), people, index).items():
        out[position] = match
    return out


def _leading_numbers(frame: pl.DataFrame, people: list[LogPerson], index) -> dict[int, Match | None]:
    """`matchers.by_leading_number` of the people with names in `frame` (owner, name), by position: for names of
    printable ASCII (where `\\s`/`\\d` of the Python pattern are a space and [0-9]) the number, its registrant
    and the rest of the name at once, the rest checked against the registrant's name in one `cpdist`; anyone
    with another name, by the Python rule."""
    plain = frame.get_column("name").str.contains(PRINTABLE_ASCII)
    other = set(frame.get_column("owner").filter(~plain).to_list())
    tails = {tail: found for tail, found in index.by_tail.items() if found is not None}
    parts = frame.filter(plain).select("owner", found=pl.col("name").str.extract_groups(_LEADING))
    hits = [(owner, tails[int(tail)], rest) for owner, tail, rest in parts.unnest("found").drop_nulls().iter_rows()
            if owner not in other and int(tail) in tails]
    queries = normalized_names([rest for _, _, rest in hits])
    registered = normalized_names([found.name for _, found, _ in hits])
    scores: list = process.cpdist(queries, registered, scorer=fuzz.token_set_ratio).tolist() if hits else []
    out: dict[int, Match | None] = {}
    for (owner, found, _), query, score in zip(hits, queries, scores):
        if owner not in out and (not query or score >= 60):
            out[owner] = Match(found.number, METHOD_NUMBER, 0.95)
    out.update((position, by_leading_number(people[position], index)) for position in other)
    return out


def _emails(people: list[LogPerson], index) -> list[Match | None]:
    """`matchers._by_email` of each person (one loop instead of a matcher call per person)."""
    by_email = index.by_email
    found = [by_email.get(person.email.lower()) if person.email else None for person in people]
    return [None if registration is None else Match(registration.number, METHOD_EMAIL, 1.0) for registration in found]


def _exact_names(people: list[LogPerson], index) -> list[Match | str | None]:
    """`matchers._by_exact_name` of each person, the names normalised at once."""
    names, owners = _flat(people)
    out: list[Match | str | None] = [None] * len(people)
    by_name = index.by_name
    for owner, key in zip(owners.tolist(), normalized_names(names)):
        if out[owner] is None:
            found = by_name.get(key)
            if found:
                out[owner] = Match(found[0].number, METHOD_EXACT, 0.9) if len(found) == 1 else \
                    N_("nama sama dengan beberapa pendaftar")
    return out


_BULK: dict[Callable, Callable[..., list]] = {_by_number: _numbers, _by_email: _emails, _by_exact_name: _exact_names}
