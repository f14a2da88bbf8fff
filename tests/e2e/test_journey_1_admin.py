"""Journey step 1: the admin builds the training (schedule, 30 JP of materi, staff) and opens registration."""
import re
from datetime import timedelta

import pytest

from tests.e2e.journey import (
    CAPACITY,
    CODE,
    MATERI,
    START,
    TRAINING,
    days_from_today,
    flash,
    no_error_page,
    staff_login,
)

pytestmark = pytest.mark.e2e


# --- 1. admin builds and opens the training -----------------------------------------------------------

def test_01_admin_creates_training_with_schedule_materi_and_opens_registration(journey):
    page = staff_login(journey, "admin", "admin@dkpus.example.id")
    journey.shot(page, "admin-dashboard")
    page.click("text=Buat pelatihan")
    page.fill("#name", TRAINING)
    page.fill("#code", CODE)
    page.fill("#program", "TPBIS")
    page.fill("#organizer_unit", "Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung")
    page.fill("#organizer_short", "DKPUS")
    page.fill("#meeting_url", "https://zoom.us/j/85218486288")
    page.fill("#city", "Pangkalpinang")
    page.fill("#start_date", START.isoformat())
    page.fill("#end_date", (START + timedelta(days=2)).isoformat())
    page.fill("#registration_opens_at", f"{days_from_today(-20).isoformat()}T08:00")
    page.fill("#registration_closes_at", f"{days_from_today(14).isoformat()}T23:00")
    page.fill("#capacity", str(CAPACITY))
    page.check("#is_published")
    journey.shot(page, "admin-new-training-form")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/kelola/pelatihan/\d+$"))
    journey.training_id = int(page.url.rsplit("/", 1)[1])
    assert "Pelatihan dibuat" in flash(page)

    page.fill("#slot1_start", "08:00")
    page.fill("#slot1_end", "12:00")
    page.fill("#slot2_start", "13:00")
    page.fill("#slot2_end", "16:30")
    page.click("text=Buat jadwal >> nth=-1")
    page.wait_for_load_state()
    assert page.locator("#jadwal .sessions li, #jadwal tbody tr").count() == 6
    for title, trainer, jp in MATERI:
        page.fill("#materi #title", title)
        page.fill("#materi #trainer", trainer)
        page.fill("#materi #jp", str(jp))
        page.click("#materi button:has-text('Tambah materi')")
        page.wait_for_load_state()
    assert page.locator("#materi tfoot").inner_text().split()[-1] == "30"
    journey.shot(page, "admin-training-schedule-and-30-jp")

    page.goto(journey.manage("/staf"))
    for email, duty in (("panitia@dkpus.example.id", "panitia"), ("reviewer@dkpus.example.id", "reviewer"),
                        ("ttd@dkpus.example.id", "penandatangan")):
        option = page.locator("#user_id option", has_text=email).first
        page.select_option("#user_id", value=option.get_attribute("value"))
        page.select_option("#duty", value=duty)
        page.click("main button:has-text('Tambahkan')")
        page.wait_for_load_state()
    journey.shot(page, "admin-training-staff")
    no_error_page(page)

    page.goto(journey.url(f"/pelatihan/{journey.training_id}"))
    assert page.locator("text=Daftar").first.is_visible()
    journey.shot(page, "public-training-page-open-for-registration")
