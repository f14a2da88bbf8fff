"""The matchers run over every log person at once (`matching_bulk.first_answers`) answer exactly what
`matching._first_answer` answers person by person, and `match_people` gives the same result either way."""

import random

import pytest
from hypothesis import given, settings, strategies as st

from bimtek.attendance import matching, matching_bulk, name_rules, names
from bimtek.attendance.matchers import MATCHERS
from bimtek.attendance.matching import LogPerson, Registration, RegistrationIndex, match_people
from bimtek.attendance.matching_bulk import first_answers

from .test_name_columns import CHARS, PIECES, _random_names

NUMBERS = ["SPP2020-0001", "SPP2020-0012", "spp 2020-0045", "SPP2020-0100", "A-1", "12", "ß-7", "REG/2020/3", "X.5",
           "SPP2020-0012.", "٣٣"]
WRAPS = ["{n} {name}", "{tail}_{name}", "[{tail}] {name}", "({tail}) {name}", "{tail}", " {tail}. {name}",
         "{name} {n}", "{name}-{n}-", "{n}/{name}", "{tail}:{name}", "{tail}\t{name}", "{tail}\x1c{name}",
         "١٢ {name}", "{name}", "{name} ({n})", "{tail}_{other}"]


def _registrations(rng: random.Random, count: int) -> list[Registration]:
    regs = []
    for position in range(count):
        number = NUMBERS[position] if position < len(NUMBERS) else f"SPP2020-{position:04d}"
        name = rng.choice(_random_names(rng.randint(0, 10**6), 1) + ["Budi Santoso", "Siti Nur Rahayu", "Agus"])
        regs.append(Registration(number, name, rng.choice(["", f"p{position}@contoh.go.id", "SAMA@contoh.go.id"])))
    return regs


def _people(rng: random.Random, regs: list[Registration], count: int) -> list[LogPerson]:
    people = []
    for position in range(count):
        shown = []
        for _ in range(rng.randint(0, 3)):
            reg = rng.choice(regs)
            tail = reg.number[-rng.randint(1, 4):]
            other = rng.choice(regs).name
            text = rng.choice(WRAPS).format(n=rng.choice([reg.number, reg.number.lower(), "SPP2020-9999"]),
                                            name=rng.choice([reg.name, reg.name.upper(), other]), tail=tail,
                                            other=other)
            shown.append(text if rng.random() < 0.8 else "".join(rng.choice(CHARS + PIECES) for _ in range(4)))
        email = rng.choice(["", rng.choice(regs).email, "SAMA@contoh.go.id", "lain@contoh.go.id"])
        people.append(LogPerson(f"k{position}", tuple(dict.fromkeys(shown)), email))
    return people


@pytest.fixture(autouse=True)
def _always_bulk(monkeypatch):
    monkeypatch.setattr(matching_bulk, "BULK_FROM", 0)


def _check(people, regs, ctx):
    index = RegistrationIndex(regs)
    for matchers in (MATCHERS[:-1], MATCHERS[1:3] + MATCHERS[5:7], MATCHERS[1:2], MATCHERS[5:6]):
        names.clear_caches()
        name_rules.clear_caches()
        expected = [matching._first_answer(person, index, ctx, matchers) for person in people]
        names.clear_caches()
        assert first_answers(people, index, ctx, matchers) == expected


def _context(regs, rng):
    numbers = [reg.number for reg in regs]
    return {"aliases": {"budi": rng.choice(numbers)}, "email_aliases": {"lain@contoh.go.id": rng.choice(numbers)},
            "assignments": {"k3": rng.choice(numbers), "k7": "tidak-ada"}, "blocked": frozenset({"name:agus"})}


@pytest.mark.parametrize("seed", range(12))
def test_bulk_answers_equal_per_person(seed):
    rng = random.Random(seed)
    regs = _registrations(rng, rng.randint(1, 60))
    people = _people(rng, regs, rng.randint(0, 400))
    _check(people, regs, _context(regs, rng))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.lists(st.sampled_from(CHARS + PIECES + NUMBERS + ["_", " "]), max_size=8).map("".join),
                         max_size=3), max_size=30),
       st.integers(0, 10**6))
def test_bulk_answers_equal_per_person_on_any_names(texts, seed):
    rng = random.Random(seed)
    regs = _registrations(rng, 20)
    people = [LogPerson(f"k{i}", tuple(dict.fromkeys(names_)), "") for i, names_ in enumerate(texts)]
    _check(people, regs, _context(regs, rng))


def test_match_people_is_unchanged(monkeypatch):
    rng = random.Random(99)
    regs = _registrations(rng, 80)
    people = _people(rng, regs, 600)
    fast = match_people(people, regs)
    per_person = lambda people, index, ctx, matchers: [  # noqa: E731
        matching._first_answer(person, index, ctx, matchers) for person in people]
    monkeypatch.setattr(matching, "first_answers", per_person)
    names.clear_caches()
    assert match_people(people, regs) == fast
