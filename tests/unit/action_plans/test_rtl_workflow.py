"""RTL review workflow: every (status, action, role) combination, allowed or refused."""

import itertools

import pytest

from bimtek.action_plans.workflow import (
    ACTION_LABELS,
    STATUS_LABELS,
    TRANSITIONS,
    available_actions,
    can_edit,
    next_status,
)
from bimtek.core.errors import InvalidTransition, ValidationError

ROLES = ("peserta", "reviewer", "admin")
NOTE = "Indikator keberhasilan belum terukur."

# (status, action, role) -> new status; every other combination is refused.
ALLOWED = {
    ("draft", "submit", "peserta"): "diajukan",
    ("perlu_revisi", "submit", "peserta"): "diajukan",
    ("diajukan", "request_revision", "reviewer"): "perlu_revisi",
    ("diajukan", "approve", "reviewer"): "disetujui",
}


def test_labels_are_indonesian():
    assert STATUS_LABELS == {"draft": "Draf", "diajukan": "Diajukan", "perlu_revisi": "Perlu Revisi",
                             "disetujui": "Disetujui"}


def test_transition_table_matches_the_expected_matrix():
    table = {(st, action, role): new for (st, action), (new, roles) in TRANSITIONS.items() for role in roles}
    assert table == ALLOWED


@pytest.mark.parametrize("status, action, role", list(itertools.product(STATUS_LABELS, ACTION_LABELS, ROLES)))
def test_every_combination(status, action, role):
    expected = ALLOWED.get((status, action, role))
    if expected:
        assert next_status(status, action, role, note=NOTE) == expected
    else:
        with pytest.raises(InvalidTransition) as exc:
            next_status(status, action, role, note=NOTE)
        assert exc.value.context == {"status": status, "action": action, "role": role}


@pytest.mark.parametrize("status, action, role, fragment", [
    ("disetujui", "submit", "peserta", "sudah disetujui dan tidak dapat diubah"),
    ("disetujui", "request_revision", "reviewer", "sudah disetujui"),
    ("draft", "approve", "reviewer", "Aksi 'Setujui' tidak dapat dilakukan pada RTL berstatus Draf"),
    ("diajukan", "submit", "peserta", "berstatus Diajukan"),
    ("diajukan", "approve", "peserta", "Hanya reviewer yang dapat melakukan aksi 'Setujui'"),
    ("draft", "submit", "reviewer", "Hanya peserta yang dapat melakukan aksi 'Ajukan'"),
    ("arsip", "submit", "peserta", "Status RTL 'arsip' tidak dikenal"),
    ("draft", "reopen", "peserta", "Aksi 'reopen' tidak dikenal"),
])
def test_refusal_messages(status, action, role, fragment):
    with pytest.raises(InvalidTransition, match=fragment):
        next_status(status, action, role, note=NOTE)


@pytest.mark.parametrize("note", [None, "", "   "])
def test_revision_request_needs_a_note(note):
    with pytest.raises(ValidationError, match="Catatan untuk peserta wajib diisi") as exc:
        next_status("diajukan", "request_revision", "reviewer", note=note)
    assert exc.value.field == "note"


def test_overlong_note_is_refused_but_approve_needs_no_note():
    with pytest.raises(ValidationError, match="terlalu panjang"):
        next_status("diajukan", "approve", "reviewer", note="x" * 2001)
    assert next_status("diajukan", "approve", "reviewer") == "disetujui"


@pytest.mark.parametrize("status, role, expected", [
    ("draft", "peserta", ["submit"]),
    ("perlu_revisi", "peserta", ["submit"]),
    ("diajukan", "peserta", []),
    ("diajukan", "reviewer", ["request_revision", "approve"]),
    ("disetujui", "reviewer", []),
    ("disetujui", "peserta", []),
])
def test_available_actions(status, role, expected):
    assert available_actions(status, role) == expected


@pytest.mark.parametrize("status, role", list(itertools.product(STATUS_LABELS, ROLES)))
def test_can_edit_only_participant_in_draft_or_revision(status, role):
    assert can_edit(status, role) is (role == "peserta" and status in ("draft", "perlu_revisi"))
