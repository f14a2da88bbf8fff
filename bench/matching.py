"""Benchmark: how many log identities the matcher decides automatically, and how many of those wrongly.

Generates a training of registrants with Indonesian names (gelar, middle names, shared first names and surnames)
and, seeded separately (held-out style: the rules were not tuned on these draws), the names people use in Zoom:
exact, gelar/accents, missing middle name or an initial, typed without spaces, surname first with a comma, a
device or institution suffix, a typo; plus look-alikes that must never get time (a first name or surname alone,
a guest sharing a surname or a first name, bare device names). No e-mails or numbers: names only.

Prints, per variation and in total, the share matched automatically, the share matched wrongly (to another
registrant, or a non-registrant given time) and what went to the review queue — for the matcher without the
careful name rules (exact + fuzzy only, as before issue 20) and with them.

Run: .venv/bin/python bench/matching.py [--registrants 400] [--identities 4000] [--seed 20]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bimtek.attendance import matching  # noqa: E402
from bimtek.attendance.matching import LogPerson, Registration, match_people  # noqa: E402

FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Sri", "Joko", "Wati", "Rudi", "Nur", "Eko", "Yanti",
         "Hendra", "Ratna", "Bambang", "Fitri", "Dedi", "Lina", "Ahmad", "Putri", "Fajar", "Indah", "Wahyu", "Maria",
         "Yuliana", "Nurhayati", "Hasan", "Rizky", "Dian", "Ayu", "Teguh", "Maya", "Wulan", "Agung", "Sinta"]
MIDDLE = ["Nur", "Dwi", "Tri", "Sari", "Adi", "Eka", "Putra", "Ayu", "Kusuma", "Indah", "Wati", "Dewi"]
LAST = ["Santoso", "Rahayu", "Wijaya", "Saputra", "Lestari", "Hidayat", "Kurniawan", "Susanti", "Pratama",
        "Nugroho", "Setiawan", "Handayani", "Siregar", "Nasution", "Hasibuan", "Simanjuntak", "Purba", "Sitompul",
        "Gunawan", "Hartono", "Ulfa", "Anggraini", "Prasetyo", "Salim", "Fauzi", "Aminah", "Wibowo", "Sembiring"]
GELAR_BEFORE = ["", "", "", "", "Dr. ", "Hj. ", "Drs. ", "H. ", "Ir. "]
GELAR_AFTER = ["", "", "", ", S.Pd.", ", M.Si.", ", S.IP.", ", A.Md.", ", S.Kom.", ", S.E., M.M.", ", S.Sos."]
DEVICES = ["iPhone", "Galaxy A52", "HP Samsung", "Redmi Note 9", "Laptop", "iPad", "OPPO A5s"]
PLACES = ["TBM Pelangi", "Perpusdes Maju", "Desa Namang", "Dinas Perpus", "Kab. Bangka"]
ACCENTS = str.maketrans("aeiou", "áéíóú")


def registrants(count: int, rng: random.Random) -> list[Registration]:
    """Registrants with 2–4 name words; about a third have a middle name, some share first names or surnames."""
    out, seen = [], set()
    while len(out) < count:
        words = [rng.choice(FIRST)] + ([rng.choice(MIDDLE)] if rng.random() < 0.35 else []) + [rng.choice(LAST)]
        if rng.random() < 0.08:
            words = words[:1]  # one-word names exist (Nurhayati)
        if tuple(words) in seen:
            continue
        seen.add(tuple(words))
        name = rng.choice(GELAR_BEFORE) + " ".join(words) + rng.choice(GELAR_AFTER)
        out.append(Registration(f"B-{len(out) + 1:04d}", name, ""))
    return out


def _words(registration: Registration) -> list[str]:
    core = registration.name.split(",")[0]
    return [w for w in core.split() if not w.endswith(".")]


def variation(kind: str, words: list[str], rng: random.Random) -> str | None:
    """The name a registrant shows up with in a log, or None when the variation does not apply."""
    if kind == "exact":
        return " ".join(words)
    if kind == "accents":
        return " ".join(words).translate(ACCENTS)
    if len(words) < 2:
        return None
    first, last = words[0], words[-1]
    return {
        "missing_middle": f"{first} {last}" if len(words) > 2 else None,
        "initial": f"{first} {words[1][0]}. {last}" if len(words) > 2 else None,
        "no_spaces": "".join(words) if rng.random() < 0.5 else "".join(words).lower(),
        "surname_comma": f"{last}, {' '.join(words[:-1])}",
        "device_suffix": f"{' '.join(words)}'s {rng.choice(DEVICES)}",
        "place_suffix": f"{' '.join(words)} {rng.choice(PLACES)}",
        "typo": _typo(" ".join(words), rng),
    }[kind]


def _typo(text: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(text) - 1)
    return text[:position] + text[position + 1] + text[position] + text[position + 2:]


OWN = ("exact", "accents", "missing_middle", "initial", "no_spaces", "surname_comma", "device_suffix",
       "place_suffix", "typo")
NOT_OWN = ("first_name_only", "surname_only", "guest_same_surname", "guest_same_first", "device")


def look_alike(kind: str, regs: list[Registration], rng: random.Random) -> str | None:
    """A log name that belongs to nobody registered (must never be given time); None when none is left."""
    names = {" ".join(_words(r)).casefold() for r in regs}
    # first + last of a registrant with a middle name is a missing middle name, not a look-alike
    names |= {f"{_words(r)[0]} {_words(r)[-1]}".casefold() for r in regs if len(_words(r)) > 2}
    for _ in range(200):  # a big roster may use every first name with a surname: then give up on this one
        words = _words(rng.choice(regs))
        guess = {
            "first_name_only": words[0],
            "surname_only": words[-1],
            "guest_same_surname": f"{rng.choice(FIRST)} {words[-1]}",
            "guest_same_first": f"{words[0]} {rng.choice(LAST)}",
            "device": rng.choice(DEVICES),
        }[kind]
        if guess.casefold() not in names:
            return guess
    return None


def identities(regs: list[Registration], count: int, rng: random.Random):
    """[(LogPerson, true registration number or None, kind)]: 80 % registrants' variations, 20 % look-alikes."""
    out = []
    while len(out) < count:
        if rng.random() < 0.8:
            registration, kind = rng.choice(regs), rng.choice(OWN)
            name = variation(kind, _words(registration), rng)
            if name is None or _names_another(name, registration, regs):
                continue
            truth = registration.number
        else:
            kind = rng.choice(NOT_OWN)
            name, truth = look_alike(kind, regs, rng), None
            if name is None:
                continue
        out.append((LogPerson(f"id{len(out)}", (name,)), truth, kind))
    return out


def _names_another(name: str, registration: Registration, regs: list[Registration]) -> bool:
    """The variation is exactly another registrant's name ("Dewi Rahayu" for Dewi Adi Rahayu when a Dewi Rahayu
    registered too): no one can tell them apart, so it is left out of the measurement."""
    key = matching.normalize_name(name)
    return any(r is not registration and matching.normalize_name(r.name) == key for r in regs)


def _ambiguous_truth(regs: list[Registration]) -> set[str]:
    """Registrants whose plain name (without gelar) another registrant shares: never decidable by name."""
    counts = Counter(matching.normalize_name(r.name) for r in regs)
    return {r.number for r in regs if counts[matching.normalize_name(r.name)] > 1}


def _matches(regs, people, separately: bool) -> dict:
    if not separately:
        return match_people([p for p, _, _ in people], regs).matches
    index, matches = matching.RegistrationIndex(regs), {}
    for person, _, _ in people:  # one identity per call: the matcher before issue 20 withdrew shared matches
        matches.update(match_people([person], index).matches)
    return matches


def measure(regs, people, rules: bool, separately: bool = False):
    """{kind: Counter(auto/wrong/queue)} for one matcher configuration."""
    saved = matching.MATCHERS
    if not rules:
        matching.MATCHERS = tuple(m for m in saved if m is not getattr(matching, "_by_name_rules", None))
    try:
        matches = _matches(regs, people, separately)
    finally:
        matching.MATCHERS = saved
    ambiguous = _ambiguous_truth(regs)
    table: dict[str, Counter] = {}
    for person, truth, kind in people:
        counts = table.setdefault(kind, Counter())
        counts["n"] += 1
        match = matches.get(person.key)
        if match is None:
            counts["queue"] += 1
        elif match.registration == truth:
            counts["auto"] += 1
        elif truth in ambiguous:
            counts["queue"] += 1  # cannot be told apart by name: not counted as right or wrong
        else:
            counts["wrong"] += 1
    return table


def _row(label, counts):
    n = counts["n"] or 1
    return (f"{label:<22}{counts['n']:>6}{100 * counts['auto'] / n:>9.1f}%{100 * counts['wrong'] / n:>8.2f}%"
            f"{100 * counts['queue'] / n:>9.1f}%")


def report(title, table):
    print(f"\n{title}\n{'variation':<22}{'n':>6}{'auto ok':>10}{'wrong':>9}{'queue':>10}")
    total = Counter()
    for kind in OWN + NOT_OWN:
        if kind in table:
            print(_row(kind, table[kind]))
            total.update(table[kind])
    print(_row("TOTAL", total))
    own = sum((table[k] for k in OWN if k in table), Counter())
    print(f"registrants' identities decided automatically: {100 * own['auto'] / (own['n'] or 1):.1f}%; "
          f"identities given to the wrong person: {100 * total['wrong'] / (total['n'] or 1):.2f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, default=400)
    parser.add_argument("--identities", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--separately", action="store_true",
                        help="match each identity in its own call (to compare with the matcher before issue 20)")
    args = parser.parse_args()
    regs = registrants(args.registrants, random.Random(args.seed))
    people = identities(regs, args.identities, random.Random(args.seed * 7919 + 1))
    print(f"{len(regs)} registrants, {len(people)} log identities (names only), seed {args.seed}")
    report("without the careful name rules (number, e-mail, exact, guarded fuzzy)",
           measure(regs, people, False, args.separately))
    report("with the careful name rules", measure(regs, people, True, args.separately))


if __name__ == "__main__":
    main()
