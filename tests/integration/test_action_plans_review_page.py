"""The reviewer's RTL pages (issue 14): the queue serves the oldest waiting submission first, the review table
fits its card (wrapping text columns, note inputs inside their cell)."""
import re
from datetime import timedelta
from pathlib import Path

from bimtek.action_plans import services
from bimtek.core.models import now_utc
from tests.factories import make_registration, make_staff, make_training
from tests.integration.test_action_plans_workflow import valid_rows

ROOT = Path(__file__).resolve().parents[2]


def test_the_queue_lists_the_oldest_waiting_submission_first(db, client, login_as):
    training = make_training(code="RTLQ")
    reviewer = make_staff(training, "reviewer")
    names = ("Nurul Qazwa", "Budi Qoriah", "Sari Qudsi")
    first, second, third = (make_registration(training, name=name) for name in names)
    start = now_utc() - timedelta(days=3)
    # registered in order first, second, third; submitted in order third, first, second
    for registration, hours in ((third, 0), (first, 5), (second, 30)):
        services.submit_plan(registration.user, registration, valid_rows(), now=start + timedelta(hours=hours))
    db.session.commit()
    login_as(reviewer)
    page = client.get(f"/kelola/pelatihan/{training.id}/rtl").get_data(as_text=True)
    assert page.index("Sari Qudsi") < page.index("Nurul Qazwa") < page.index("Budi Qoriah")
    assert [item.registration.nama_lengkap for item in services.queue_items(training)] == [
        "Sari Qudsi", "Nurul Qazwa", "Budi Qoriah"]


def test_the_review_table_wraps_instead_of_overflowing_its_card():
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "static/css/app.css").read_text(encoding="utf-8"), flags=re.S)
    rules = {}
    for block in css.split("}"):
        if "{" in block:
            selector, body = block.split("{", 1)
            rules.setdefault(selector.strip(), "")
            rules[selector.strip()] += body
    table = rules[".rtl-table th, .rtl-table td"]
    assert "overflow-wrap: anywhere" in table and "min-width: 0" in table  # text columns shrink and wrap
    note = rules[".rtl-note-input"]
    assert "width: 100%" in note and "max-width: 100%" in note and "display: block" in note
