"""RTL (rencana tindak lanjut) review states and the one table of allowed transitions. Pure.

draft --submit--> diajukan --approve--> disetujui (final)
perlu_revisi --submit--> diajukan --request_revision (note required)--> perlu_revisi
"""

from bimtek.core.errors import InvalidTransition, ValidationError

DRAFT, DIAJUKAN, PERLU_REVISI, DISETUJUI = "draft", "diajukan", "perlu_revisi", "disetujui"
STATUS_LABELS = {
    DRAFT: "Draf", DIAJUKAN: "Diajukan", PERLU_REVISI: "Perlu Revisi", DISETUJUI: "Disetujui",
}
FINAL_STATUSES = frozenset({DISETUJUI})

SUBMIT, REQUEST_REVISION, APPROVE = "submit", "request_revision", "approve"
ACTION_LABELS = {SUBMIT: "Ajukan", REQUEST_REVISION: "Minta Revisi", APPROVE: "Setujui"}
NOTE_REQUIRED_ACTIONS = frozenset({REQUEST_REVISION})
MAX_NOTE_LENGTH = 2000

PESERTA, REVIEWER = "peserta", "reviewer"
ROLE_LABELS = {PESERTA: "peserta", REVIEWER: "reviewer"}
EDITABLE = {DRAFT: frozenset({PESERTA}), PERLU_REVISI: frozenset({PESERTA})}

# (status, action) -> (new status, roles allowed to do it)
TRANSITIONS = {
    (DRAFT, SUBMIT): (DIAJUKAN, frozenset({PESERTA})),
    (PERLU_REVISI, SUBMIT): (DIAJUKAN, frozenset({PESERTA})),
    (DIAJUKAN, REQUEST_REVISION): (PERLU_REVISI, frozenset({REVIEWER})),
    (DIAJUKAN, APPROVE): (DISETUJUI, frozenset({REVIEWER})),
}


def next_status(status, action, role, note=None):
    """Return the status after `role` does `action`; raise InvalidTransition (or ValidationError for a missing note)."""
    context = {"status": status, "action": action, "role": role}
    if status not in STATUS_LABELS:
        raise InvalidTransition(f"Status RTL '{status}' tidak dikenal.", **context)
    if action not in ACTION_LABELS:
        raise InvalidTransition(f"Aksi '{action}' tidak dikenal.", **context)
    if (status, action) not in TRANSITIONS:
        raise InvalidTransition(_refusal(status, action), **context)
    new_status, roles = TRANSITIONS[(status, action)]
    if role not in roles:
        who = " atau ".join(sorted(ROLE_LABELS.get(r, r) for r in roles))
        raise InvalidTransition(
            f"Hanya {who} yang dapat melakukan aksi '{ACTION_LABELS[action]}' pada RTL.", **context)
    _check_note(action, note)
    return new_status


def _refusal(status, action):
    """Indonesian reason why `action` is impossible in `status`."""
    if status in FINAL_STATUSES:
        return "RTL sudah disetujui dan tidak dapat diubah lagi."
    return (f"Aksi '{ACTION_LABELS[action]}' tidak dapat dilakukan pada RTL berstatus "
            f"{STATUS_LABELS[status]}.")


def _check_note(action, note):
    """Reviewer notes: required for a revision request, bounded in length."""
    text = (note or "").strip()
    if action in NOTE_REQUIRED_ACTIONS and not text:
        raise ValidationError("Catatan untuk peserta wajib diisi saat meminta revisi.", field="note")
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(f"Catatan terlalu panjang (maks. {MAX_NOTE_LENGTH} karakter).", field="note")


def available_actions(status, role):
    """Actions `role` may take in `status`, in table order (for showing buttons)."""
    return [action for (st, action), (_, roles) in TRANSITIONS.items() if st == status and role in roles]


def can_edit(status, role):
    """Only the participant edits the rows, and only in draft or perlu_revisi."""
    return role in EDITABLE.get(status, ())
