"""Identity matching of log people to registrations, recording method and confidence (pure).

Order: the organizer's assignment of this very identity → registration number in the display name → e-mail →
("Bukan peserta" mark: stop) → alias remembered from an assignment in another session → exact normalised name →
careful name rules (`name_rules`) → fuzzy name (unique best above a threshold, with a margin over the runner-up).

Every log person (identity) is decided on its own: a registration may own any number of identities (second
device, renamed display, phone dial-in), and their intervals are united later. Only registrants are never merged:
a name that fits two registrants goes to `unmatched` with suggestions.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
from rapidfuzz import fuzz, process

from bimtek.attendance.match_types import (  # noqa: F401  (re-exported: the matcher's public types)
    MANUAL_METHODS,
    METHOD_ALIAS,
    METHOD_ASSIGNED,
    METHOD_EMAIL,
    METHOD_EXACT,
    METHOD_FUZZY,
    METHOD_NUMBER,
    METHOD_RULE,
    STRONG_METHODS,
    Ambiguous,
    LogPerson,
    Match,
    MatchResult,
    Registration,
    Suggestion,
    Unmatched,
    number_key,
)
from bimtek.attendance.matchers import MARKED, MATCHERS, _alias_tables, _by_alias, _by_assignment, _by_mark, tail_index  # noqa: F401
from bimtek.attendance.matching_bulk import first_answers
from bimtek.attendance.name_rules import NameRules
from bimtek.attendance.names import _DEVICE_WORDS, alias_key, is_dropped, is_generic_device, mark_keys, normalize_name  # noqa: F401  (re-exported: the matcher's public name helpers)
from bimtek.attendance.registration_keys import registration_keys
from bimtek.core.messages import N_  # the queue reasons are msgids (pages show them translated)

FUZZY_THRESHOLD = 88.0
FUZZY_MARGIN = 5.0
SUGGEST_CUTOFF = 50.0
_CDIST_ROWS = 512  # queries per cdist block: caps the score matrix at 512 × registrations float32
_CDIST_SLACK = 0.01  # float32 scores of cdist vs the float64 of fuzz.ratio
_SHORTLIST_SPAN = 20.0  # first try: the `limit` best nearly always lie within this many points of the best
# Fuzzy work is bounded: at most this many distinct names per analysis are compared with every registrant (a
# log of 200,000 garbage names would otherwise spend seconds in cdist); the people beyond it stay unmatched
# without suggestions, and `MatchResult.fuzzy_skipped` says how many.
FUZZY_QUERY_CAP = 5_000


class RegistrationIndex:
    """Lookup tables over the registrations (build once per training, reuse for every session)."""

    def __init__(self, registrations: Iterable[Registration], name_keys: Iterable[str] | None = None,
                 name_tokens: Iterable[tuple[str, ...]] | None = None, bulk_keys: bool = False):
        """`name_keys`/`name_tokens`: `normalize_name`/`ordered_tokens` of every registrant's name, when the caller
        computed them in bulk (`name_columns`); else they are computed here, name by name. `bulk_keys`: the
        numbers' and e-mails' keys computed as columns (`registration_keys`, the same keys)."""
        self.registrations = list(registrations)
        if bulk_keys:
            number_keys, tails, emails = registration_keys([r.number or "" for r in self.registrations],
                                                           [r.email for r in self.registrations])
        else:
            number_keys = [number_key(r.number) if r.number else "" for r in self.registrations]
            tails, emails = None, [r.email.strip().lower() for r in self.registrations]
        self.by_number = {key: r for r, key in zip(self.registrations, number_keys) if r.number}
        self.by_email = {email: r for r, email in zip(self.registrations, emails) if email}
        self.by_tail = tail_index(self.registrations, tails)
        self.by_name: dict[str, list[Registration]] = {}
        keys = (normalize_name(r.name) for r in self.registrations) if name_keys is None else name_keys
        for registration, key in zip(self.registrations, keys):
            if key:
                self.by_name.setdefault(key, []).append(registration)
        self.choices = list(self.by_name)
        self._fuzzy_cache: dict[tuple[str, int], list] = {}
        self._rules: NameRules | None = None
        self._name_tokens = name_tokens

    @property
    def rules(self) -> NameRules:
        """Careful name rules over the registrants (built on first use)."""
        if self._rules is None:
            self._rules = NameRules(self.registrations, is_dropped, self._name_tokens)
            self._name_tokens = None
        return self._rules

    def candidates(self, names: Iterable[str], limit: int = 3) -> list[tuple[str, float]]:
        """Best (name key, score) pairs over all given names, best first, distinct keys."""
        queries = list(dict.fromkeys(normalize_name(name) for name in names))
        if len(queries) == 1:  # the usual person: extract's answer is already best first, with distinct keys
            return self._extract(queries[0], limit)[:limit]
        best: dict[str, float] = {}
        for query in queries:
            for choice, score in self._extract(query, limit):
                best[choice] = max(score, best.get(choice, 0.0))
        return sorted(best.items(), key=lambda item: -item[1])[:limit]

    def _extract(self, query: str, limit: int) -> list[tuple[str, float]]:
        if not query:
            return []
        key = (query, limit)
        if key not in self._fuzzy_cache:
            found = process.extract(query, self.choices, scorer=fuzz.ratio, limit=limit, score_cutoff=SUGGEST_CUTOFF)
            self._fuzzy_cache[key] = [(choice, score) for choice, score, _ in found]
        return self._fuzzy_cache[key]

    def prefetch(self, names: Iterable[str], limit: int = 3) -> None:
        """Fill the fuzzy cache for many names at once: one `cdist` pass per block (SIMD, all cores) instead
        of one `process.extract` per name. Results equal `_extract`'s: cdist only shortlists the columns,
        which are then re-scored exactly and ordered like extract (score desc, then registration order)."""
        queries = [query for query in dict.fromkeys(normalize_name(name) for name in names)
                   if query and (query, limit) not in self._fuzzy_cache]
        if not self.choices:
            self._fuzzy_cache.update(((query, limit), []) for query in queries)
            return
        for offset in range(0, len(queries), _CDIST_ROWS):
            block = queries[offset:offset + _CDIST_ROWS]
            scores = process.cdist(block, self.choices, scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF,
                                   dtype=np.float32, workers=-1)
            for query, columns in zip(block, _shortlists(scores, limit)):
                self._fuzzy_cache[(query, limit)] = self._exact_top(query, columns.tolist(), limit)

    def _exact_top(self, query: str, columns: list[int], limit: int) -> list[tuple[str, float]]:
        scored = ((fuzz.ratio(query, self.choices[column]), column) for column in columns)
        best = sorted((item for item in scored if item[0] >= SUGGEST_CUTOFF), key=lambda item: (-item[0], item[1]))
        return [(self.choices[column], score) for score, column in best[:limit]]


def _shortlists(scores, limit: int) -> list:
    """Per row of a cdist matrix: a superset of the columns among the `limit` best at/above the cutoff, ties
    included. The floor is the best score minus a span when at least `limit` columns reach it (then the
    limit-th best is above it), else the exact limit-th best score (np.partition, only for those rows)."""
    floor = np.maximum(scores.max(axis=1) - _SHORTLIST_SPAN, SUGGEST_CUTOFF)
    # (2-D np.nonzero is ~5x slower; counting the kept columns per row from their rows saves a pass)
    rows, columns = np.divmod(np.flatnonzero(scores >= floor[:, None] - _CDIST_SLACK), scores.shape[1])
    short = (np.bincount(rows, minlength=len(scores)) < limit) & (floor > SUGGEST_CUTOFF)
    if short.any():  # fewer than `limit` within the span of the best: use the exact limit-th best score
        width = scores.shape[1]
        kth = np.partition(scores[short], width - min(limit, width), axis=1)[:, width - min(limit, width)]
        floor[short] = np.maximum(kth, SUGGEST_CUTOFF)
        again, columns_again = np.nonzero(scores[short] >= floor[short][:, None] - _CDIST_SLACK)
        kept = ~short[rows]
        rows = np.concatenate([rows[kept], np.flatnonzero(short)[again]])
        columns = np.concatenate([columns[kept], columns_again])
        order = np.lexsort((columns, rows))
        rows, columns = rows[order], columns[order]
    return np.split(columns, np.searchsorted(rows, np.arange(1, len(scores))))


def match_people(people: Iterable[LogPerson], registrations: Iterable[Registration] | RegistrationIndex,
                 aliases: Mapping[str, str] | None = None, *, threshold: float = FUZZY_THRESHOLD,
                 margin: float = FUZZY_MARGIN, assignments: Mapping[str, str] | None = None,
                 blocked: Iterable[str] = ()) -> MatchResult:
    """Match every log person (first matcher that answers wins); unresolved people get suggestions.

    `assignments`: {log-person key: registration number} decided by the organizer for these very identities;
    `aliases`: {display name or "email:<e-mail>": number} remembered from assignments elsewhere;
    `blocked`: `mark_keys` of identities marked "Bukan peserta" (only strong evidence still matches them)."""
    index = registrations if isinstance(registrations, RegistrationIndex) else RegistrationIndex(registrations)
    cache: dict[str, list] = {}

    def candidates(person: LogPerson) -> list:
        if person.key not in cache:
            cache[person.key] = index.candidates(person.names)
        return cache[person.key]

    names, emails = _alias_tables(aliases)
    ctx = {"aliases": names, "email_aliases": emails, "threshold": threshold, "margin": margin,
           "candidates": candidates, "assignments": dict(assignments or {}), "blocked": frozenset(blocked)}
    people = list(people)
    # a matcher that cannot answer without the organizer's decisions is left out when there are none
    unused = {_by_assignment: not ctx["assignments"], _by_mark: not ctx["blocked"], _by_alias: not (names or emails)}
    matchers = tuple(matcher for matcher in MATCHERS[:-1] if not unused.get(matcher))
    outcome: dict[str, Match | str | None] = dict(zip((p.key for p in people),
                                                       first_answers(people, index, ctx, matchers)))
    # everyone not matched yet needs fuzzy candidates (a fuzzy match or suggestions): compute them in one batch
    waiting = [p for p in people if not isinstance(outcome[p.key], Match)]
    fuzzy, skipped = _within_cap(waiting)
    cache.update((person.key, []) for person in skipped)
    index.prefetch(name for p in fuzzy for name in p.names)
    for person in waiting:
        if outcome[person.key] is None:
            outcome[person.key] = _first_answer(person, index, ctx, MATCHERS[-1:]) or NO_MATCH
    # (in the order of first appearance, as when set person by person)
    result = MatchResult({key: answer for key, answer in outcome.items() if isinstance(answer, Match)},
                         fuzzy_skipped=len(skipped))
    for person in waiting:
        answer = outcome[person.key]
        if not isinstance(answer, Match):
            result.unmatched.append(_unmatched(person, answer, index, candidates))
    return result


def _within_cap(people: list[LogPerson]) -> tuple[list[LogPerson], list[LogPerson]]:
    """(people whose names fit in FUZZY_QUERY_CAP distinct queries, in order; the people after them)."""
    queries: set[str] = set()
    for position, person in enumerate(people):
        queries.update(normalize_name(name) for name in person.names)
        if len(queries) > FUZZY_QUERY_CAP:
            return people[:position], people[position:]
    return people, []


def _first_answer(person: LogPerson, index: RegistrationIndex, ctx: dict, matchers=MATCHERS) -> Match | str | None:
    for matcher in matchers:
        answer = matcher(person, index, ctx)
        if answer is not None:
            return answer
    return None


NO_MATCH = N_("tidak ada pendaftar yang cocok")


def _unmatched(person: LogPerson, reason, index: RegistrationIndex, candidates) -> Unmatched:
    name = person.names[0] if person.names else ""
    suggestions = []
    if isinstance(reason, Ambiguous):
        query = normalize_name(name)
        for number in reason.numbers:
            registration = index.by_number[number_key(number)]
            score = fuzz.token_set_ratio(query, normalize_name(registration.name))
            suggestions.append(Suggestion(registration.number, registration.name, round(score, 1)))
        reason = reason.reason
    ranked = candidates(person)
    seen = {s.registration for s in suggestions}
    for key, score in ranked[:3]:
        for registration in index.by_name[key]:
            if registration.number not in seen:
                suggestions.append(Suggestion(registration.number, registration.name, round(score, 1)))
    return Unmatched(person.key, name, person.email, reason, tuple(suggestions[:3]))
