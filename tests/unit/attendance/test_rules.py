"""Session statuses, training verdicts and overrides."""

import pytest

from bimtek.attendance.rules import AttendanceRule, Override, SessionInput, evaluate, evaluate_all, session_status
from bimtek.core.errors import ValidationError

RULE = AttendanceRule()


@pytest.mark.parametrize("attended, length, expected", [
    (2700, 3600, "hadir"), (2699, 3600, "sebagian"), (1, 3600, "sebagian"), (0, 3600, "tidak_hadir"),
    (3600, 3600, "hadir"), (0, 0, "tidak_hadir"),
])
def test_session_status(attended, length, expected):
    assert session_status(attended, length, RULE) == expected


def _sessions(attended):
    return [SessionInput(f"s{i}", 3600, a, jp=4) for i, a in enumerate(attended, start=1)]


def test_verdict_reason_matches_example():
    verdict = evaluate(_sessions([3600] * 5 + [0]), RULE)
    assert not verdict.passed
    assert verdict.reason == "Hadir 5 dari 6 sesi (83%), minimal 100%"


def test_override_wins_over_computed():
    overrides = {"s6": Override("hadir", "izin dinas, mengikuti rekaman")}
    verdict = evaluate(_sessions([3600] * 5 + [0]), RULE, overrides)
    assert verdict.passed and verdict.outcomes[-1].overridden
    assert verdict.reason == "Hadir 6 dari 6 sesi (100%), minimal 100%"


def test_jp_mode():
    rule = AttendanceRule(mode="jp", min_jp=20)
    verdict = evaluate(_sessions([3600] * 5 + [100]), rule)
    assert verdict.passed and verdict.jp_attended == 20
    assert verdict.reason == "Hadir 20 JP dari 24 JP, minimal 20 JP"


def test_evaluate_all_with_person_session_overrides():
    verdicts = evaluate_all({"p1": _sessions([0]), "p2": _sessions([0])}, RULE,
                            {("p1", "s1"): Override("hadir", "manual")})
    assert verdicts["p1"].passed and not verdicts["p2"].passed


def test_rule_round_trips_and_validates():
    rule = AttendanceRule(mode="jp", min_session_share=0.8, min_jp=22.5)
    assert AttendanceRule.from_dict(rule.to_dict() | {"legacy": 1}) == rule
    with pytest.raises(ValidationError):
        AttendanceRule(min_session_share=1.5)
    with pytest.raises(ValidationError):
        Override("bolos")
