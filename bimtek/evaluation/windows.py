"""When a test or the questionnaire is open, from the training's schedule. Pure.

The pre-test closes when the first session starts (it measures what participants knew before); the post-test and
the evaluation open when the last session starts. Times are aware UTC datetimes.
"""
PRE, POST = "pre", "post"
KINDS = (PRE, POST)
KIND_LABELS = {PRE: "Pre-test", POST: "Post-test"}
OPEN, NOT_YET, CLOSED = "buka", "belum", "tutup"


def test_window(kind, first_start, last_start, now):
    """'buka', 'belum' or 'tutup' for a test kind; no schedule means not yet."""
    if first_start is None or last_start is None:
        return NOT_YET
    if kind == PRE:
        return OPEN if now < first_start else CLOSED
    return OPEN if now >= last_start else NOT_YET


def evaluation_window(last_start, now):
    """The questionnaire opens with the last session (participants have seen every speaker)."""
    if last_start is None:
        return NOT_YET
    return OPEN if now >= last_start else NOT_YET


def window_message(kind, state):
    """Why a participant cannot open the test now, in Indonesian."""
    label = KIND_LABELS.get(kind, "Evaluasi")
    if state == NOT_YET:
        return f"{label} belum dibuka." + (" Dibuka saat sesi terakhir dimulai." if kind != PRE else "")
    if state == CLOSED:
        return f"{label} sudah ditutup" + (" (sesi pertama sudah dimulai)." if kind == PRE else ".")
    return ""


def seconds_left(started_at, minutes, now):
    """Seconds left of a time limit (None = no limit), never below 0."""
    if not minutes or started_at is None:
        return None
    return max(0, int(minutes * 60 - (now - started_at).total_seconds()))
