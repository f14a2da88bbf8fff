"""Identity matching order, normalisation and the never-merge-same-name rule."""

import pytest
from hypothesis import given, settings, strategies as st

from bimtek.attendance.matching import LogPerson, Registration, match_people, normalize_name

REGS = [
    Registration("SPP2020-0042", "Budi Santoso, S.Pd.", "budi@example.id"),
    Registration("SPP2020-0043", "Dr. Siti Rahayu, M.Si.", "siti@example.id"),
    Registration("SPP2020-0044", "Hj. Ratna Sari Dewi, S.IP.", ""),
    Registration("SPP2020-0045", "Andi Wijaya", ""),
    Registration("SPP2020-0046", "Andi Wijaya", ""),
    Registration("SPP2020-0047", "Ir. Bambang Hidayat, A.Md.", ""),
]


@pytest.mark.parametrize("raw, expected", [
    ("Budi Santoso, S.Pd.", "budi santoso"),
    ("Dr. Siti Rahayu, M.Si.", "rahayu siti"),
    ("Drs. H. Agus Salim, S.Kom.", "agus salim"),
    ("Hj. Ratna Sari Dewi, S.IP., A.Md.", "dewi ratna sari"),
    ("SPP2020-0042 Budi", "budi"),
    ("0042_Budi", "budi"),
    ("Budi's iPhone", "budi"),
    ("Ben's Big PC", "ben"),
    ("José Müller", "jose muller"),
    ("JANSSENS JAN (EXT)", "jan janssens"),
    ("Santoso, Budi", "budi santoso"),
])
def test_normalize_name(raw, expected):
    assert normalize_name(raw) == expected


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=40))
def test_normalize_is_idempotent(text):
    once = normalize_name(text)
    assert normalize_name(once) == once


def _one(person, aliases=None):
    return match_people([person], REGS, aliases)


@pytest.mark.parametrize("person, number, method", [
    (LogPerson("a", ("SPP2020-0042 Budi",)), "SPP2020-0042", "registration_number"),
    (LogPerson("b", ("0043_Siti",)), "SPP2020-0043", "registration_number"),
    (LogPerson("c", ("Pak Guru",), "BUDI@example.id"), "SPP2020-0042", "email"),
    (LogPerson("d", ("Ratna Sari Dewi",)), "SPP2020-0044", "exact_name"),
    (LogPerson("e", ("Bambang Hidayatt",)), "SPP2020-0047", "fuzzy_name"),
    (LogPerson("f", ("Bambang's iPhone (Bambang Hidayat)", "Bambang Hidayat")), "SPP2020-0047", "exact_name"),
])
def test_match_methods_in_order(person, number, method):
    result = _one(person)
    assert result.matches[person.key].registration == number
    assert result.matches[person.key].method == method
    assert 0 < result.matches[person.key].confidence <= 1


def test_alias_is_used_before_names():
    result = _one(LogPerson("x", ("Operator Perpus Kab",)), {"Operator Perpus Kab": "SPP2020-0045"})
    assert result.matches["x"].method == "alias"


def test_ambiguous_exact_name_goes_to_review_with_suggestions():
    result = _one(LogPerson("x", ("Andi Wijaya",)))
    assert not result.matches
    [item] = result.unmatched
    assert {"SPP2020-0045", "SPP2020-0046"} <= {s.registration for s in item.suggestions}


def test_leading_number_must_fit_the_name():
    result = _one(LogPerson("x", ("0042_Joko Widodo",)))
    assert "x" not in result.matches or result.matches["x"].registration != "SPP2020-0042"


def test_same_display_name_without_email_is_a_second_identity():
    """Issue 20: a phone log "Budi Santoso" without e-mail is the registrant's second identity; both count."""
    people = [LogPerson("email:budi@example.id", ("Budi Santoso",), "budi@example.id"),
              LogPerson("name:budi santoso", ("Budi Santoso",))]
    result = match_people(people, REGS)
    assert result.matches["email:budi@example.id"].registration == "SPP2020-0042"
    assert result.matches["name:budi santoso"].registration == "SPP2020-0042"
    assert not result.unmatched


def test_assignment_of_the_identity_wins_and_marks_block_names():
    people = [LogPerson("name:hp", ("HP",)), LogPerson("name:budi santoso", ("Budi Santoso",)),
              LogPerson("email:budi@example.id", ("Guest",), "budi@example.id")]
    result = match_people(people, REGS, assignments={"name:hp": "SPP2020-0045"},
                          blocked={"name:budi santoso", "email:budi@example.id"})
    assert result.matches["name:hp"].method == "assigned"
    assert "name:budi santoso" not in result.matches  # marked: no name-based match
    assert result.matches["email:budi@example.id"].method == "email"  # strong evidence still counts


def test_aliases_for_two_registrants_or_bare_devices_are_not_used():
    result = match_people([LogPerson("a", ("Operator",)), LogPerson("b", ("iPhone",))], REGS,
                          {"Operator": "SPP2020-0045", "operator": "SPP2020-0046", "iPhone": "SPP2020-0045"})
    assert not result.matches


CAREFUL = [
    Registration("R1", "Siti Nur Rahayu", ""), Registration("R2", "Budi Santoso, S.Pd.", ""),
    Registration("R3", "Agus Salim", ""), Registration("R4", "Agus Salim Hidayat", ""),
    Registration("R5", "Nurhayati", ""), Registration("R6", "Dr. Ratna Sari Dewi, M.Si.", ""),
    Registration("R7", "Joko Prasetyo", ""), Registration("R8", "Rina Prasetyo", ""),
]


@pytest.mark.parametrize("name, number", [
    ("Siti Rahayu", "R1"), ("Siti N. Rahayu", "R1"), ("SitiNurRahayu", "R1"), ("sitinurrahayu", "R1"),
    ("sitirahayu", "R1"), ("Rahayu, Siti", "R1"), ("Rahayu, Siti Nur", "R1"), ("Sítí Rahayu", "R1"),
    ("Budi Santoso TBM Pelangi", "R2"), ("budisantoso", "R2"), ("Ratna Dewi", "R6"), ("DEWI, Ratna Sari", "R6"),
])
def test_careful_rules_match_when_exactly_one_registrant_fits(name, number):
    result = match_people([LogPerson("x", (name,))], CAREFUL)
    assert result.matches["x"].registration == number, result


@pytest.mark.parametrize("name", [
    "Prasetyo",                 # a surname alone
    "Siti",                     # a common first name alone
    "Agus Salim TBM Maju",      # full name of R3 but also two tokens of R4: another registrant comes close
    "Nurhayati TBM Pelangi",    # one-token registrant: a suffix could be anyone named Nurhayati
    "Joko Rina",                # first names of two people
    "Siti Aminah",              # shares only a first name
    "Budi Prasetyo",            # first name of one, surname of others
    "Rudi Santoso",             # fuzzy-close to Budi Santoso, but another first name
])
def test_careful_rules_never_match_on_a_shared_surname_or_first_name(name):
    result = match_people([LogPerson("x", (name,))], CAREFUL)
    assert "x" not in result.matches, result.matches


def test_fuzzy_still_accepts_a_typo_in_a_long_word():
    result = match_people([LogPerson("x", ("Bambang Hidayatt",)), LogPerson("y", ("Bmabang Hidayat",))], REGS)
    assert result.matches["x"].registration == result.matches["y"].registration == "SPP2020-0047"


def test_unknown_person_gets_at_most_three_suggestions():
    result = _one(LogPerson("x", ("Siti Rahma",)))
    [item] = result.unmatched
    assert 1 <= len(item.suggestions) <= 3
    assert item.suggestions[0].registration == "SPP2020-0043"


@pytest.mark.parametrize("name", ["Jane Doe", "Doe, Jane", "janedoe", "JaneMarieDoe", "Doe, Jane M."])
def test_mod_zoom_style_names(name):
    """The variations Moodle mod_zoom's participant matching expects: missing middle name, no spaces, comma."""
    regs = [Registration("Z1", "Jane Marie Doe", ""), Registration("Z2", "John Smith", ""),
            Registration("Z3", "Jane Roe", "")]
    result = match_people([LogPerson("x", (name,))], regs)
    assert result.matches["x"].registration == "Z1", result


def test_fuzzy_work_is_capped_and_the_rest_stay_unmatched_without_suggestions(monkeypatch):
    from bimtek.attendance import matching

    regs = [Registration("R1", "Siti Nurhaliza Rahayu"), Registration("R2", "Budi Santoso Wijaya")]
    people = [LogPerson("name:a", ("Siti Nurhalixa Rahayu",)), LogPerson("name:b", ("Budi Santsoo Wijaya",)),
              LogPerson("name:c", ("Budi Santoso Wijayx",))]
    full = match_people(people, regs)
    monkeypatch.setattr(matching, "FUZZY_QUERY_CAP", 1)
    capped = match_people(people, regs)
    assert full.fuzzy_skipped == 0 and capped.fuzzy_skipped == 2
    assert capped.matches["name:a"] == full.matches["name:a"]
    assert set(capped.matches) == {"name:a"}
    assert all(not item.suggestions and item.reason == matching.NO_MATCH for item in capped.unmatched)


def test_engine_warns_when_fuzzy_work_was_capped(monkeypatch):
    from datetime import datetime, timezone

    from bimtek.attendance import matching
    from bimtek.attendance.engine import analyse_session

    monkeypatch.setattr(matching, "FUZZY_QUERY_CAP", 1)
    log = ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\r\n"
           "Siti Nurhalixa Rahayu,,07/21/2020 08:00:00 AM,07/21/2020 09:00:00 AM,60\r\n"
           "Budi Santsoo Wijaya,,07/21/2020 08:00:00 AM,07/21/2020 09:00:00 AM,60\r\n").encode()
    regs = [Registration("R1", "Siti Nurhaliza Rahayu"), Registration("R2", "Budi Santoso Wijaya")]
    result = analyse_session([("log.csv", log)], datetime(2020, 7, 21, 1, tzinfo=timezone.utc),
                             datetime(2020, 7, 21, 3, tzinfo=timezone.utc), "Asia/Jakarta", regs)
    assert any("tidak dicocokkan secara mirip" in text for text in result.warnings)
    assert [item.name for item in result.unmatched] == ["Budi Santsoo Wijaya"]
