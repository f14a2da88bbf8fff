"""Journey step 2: five people register through the public form; the last one lands on the waiting list."""
import re

import pytest

from tests.e2e.journey import CAPACITY, CODE, PEOPLE, no_error_page
from tests.e2e.mailbox import mails_to, wait_for_new_mail

pytestmark = pytest.mark.e2e


# --- 2. participants register; the last one lands on the waiting list --------------------------------------

def _register(journey, who, person, index):
    name, email, nip, gender, _zoom = person
    page = journey.page(who)
    page.goto(journey.url(f"/pelatihan/{journey.training_id}"))
    page.click("main a:has-text('Daftar')")
    page.fill("#nama_lengkap", name)
    page.select_option("#jenis_kelamin", gender)
    page.fill("#phone", f"08123456700{index}")
    page.fill("#email", email)
    page.fill("#jabatan", "Pengelola Perpustakaan Desa")
    page.fill("#instansi", f"Perpustakaan Desa Maju {index + 1}")
    page.fill("#kabupaten", ("Bangka", "Belitung", "Bangka Barat")[index % 3])
    page.fill("#provinsi", "Kepulauan Bangka Belitung")
    if nip:
        page.fill("#nip", nip)
        page.select_option("#pangkat", index=5)
    page.check("#consent")
    if index == 0:
        journey.shot(page, "participant-registration-form-with-nip")
    seen = len(mails_to(journey.base, email))
    page.click("main button:has-text('Daftar')")
    page.wait_for_url("**/daftar/selesai")
    no_error_page(page)
    assert email in page.locator("main").inner_text()  # the number and status come by e-mail, not on the page
    subject, body = wait_for_new_mail(journey.base, email, seen)
    number = re.search(rf"{CODE}-\d{{4}}", subject).group(0)
    journey.numbers[email] = number
    journey.status_mails[email] = body
    return page


def test_02_participants_register_and_the_last_one_waits(journey):
    for index, person in enumerate(PEOPLE):
        page = _register(journey, f"register-{index}", person, index)
        mail = journey.status_mails[person[1]]
        if index < CAPACITY:
            assert "TERDAFTAR sebagai peserta" in mail, mail
        else:
            assert "DAFTAR TUNGGU" in mail, mail
        if index in (0, 1, CAPACITY):
            journey.shot(page, f"participant-registered-{'waiting-list' if index == CAPACITY else index + 1}")
        page.context.close()
        del journey.contexts[f"register-{index}"]
    assert sorted(journey.numbers.values()) == [f"{CODE}-{i:04d}" for i in range(1, len(PEOPLE) + 1)]

    admin = journey.page("admin")
    admin.goto(journey.manage("/peserta"))
    roster = admin.locator("main table").inner_text()
    assert "Daftar tunggu" in roster
    for name, *_ in PEOPLE:
        assert name in roster
    journey.shot(admin, "admin-roster-with-waiting-list")
