"""Journey step 4: participants write action plans (RTL); the reviewer sends one back, then approves all."""
import pytest

from tests.e2e.journey import PEOPLE, days_from_today, no_error_page, participant_login, staff_login, write_rtl

pytestmark = pytest.mark.e2e


def test_04_action_plans_are_written_sent_back_revised_and_approved(journey):
    admin = journey.page("admin")
    admin.goto(journey.manage("/rtl/pengaturan"))
    admin.fill("#opens_at", f"{days_from_today(-1).isoformat()}T00:00")
    admin.fill("#closes_at", f"{days_from_today(30).isoformat()}T23:00")
    journey.shot(admin, "admin-rtl-settings-window-open")
    admin.click("main button[type=submit]")
    admin.wait_for_load_state()
    no_error_page(admin)

    writers = [person[1] for person in PEOPLE[:3]]
    for n, email in enumerate(writers):
        page = participant_login(journey, email)
        if n == 0:
            journey.shot(page, "participant-portal-attendance")
        page.click("main a:has-text('RTL')")
        page.wait_for_url("**/peserta/rtl/*")
        write_rtl(page, journey)
        if n == 0:
            journey.shot(page, "participant-rtl-form-filled")
        page.click("main button:has-text('Ajukan RTL')")
        page.wait_for_load_state()
        no_error_page(page)
        assert "sedang ditinjau reviewer" in page.locator("main").inner_text()
    journey.shot(page, "participant-rtl-submitted")

    reviewer = staff_login(journey, "reviewer", "reviewer@dkpus.example.id")
    reviewer.goto(journey.manage("/rtl"))
    journey.shot(reviewer, "reviewer-rtl-queue")
    reviewer.locator("main tr", has_text=PEOPLE[0][0]).locator("a:has-text('Tinjau')").click()
    reviewer.fill("#note", "Indikator kegiatan 2 perlu angka sasaran yang terukur.")
    reviewer.locator("textarea[id^='row_note-']").nth(1).fill("Sebutkan jumlah warga yang ditargetkan.")
    journey.shot(reviewer, "reviewer-requests-revision")
    reviewer.click("main button:has-text('Minta revisi')")
    reviewer.wait_for_load_state()
    no_error_page(reviewer)

    page = journey.page(PEOPLE[0][1])
    page.goto(journey.url("/peserta"))
    page.click("main a:has-text('RTL')")
    assert "Reviewer meminta revisi" in page.locator("main").inner_text()
    journey.shot(page, "participant-sees-revision-request")
    page.fill("[name='rows-1-indikator_keberhasilan']", "Kunjungan naik dari 150 menjadi 180 warga per bulan")
    page.click("main button:has-text('Ajukan RTL')")
    page.wait_for_load_state()
    assert "sedang ditinjau reviewer" in page.locator("main").inner_text()

    reviewer.goto(journey.manage("/rtl"))
    reviewer.locator("main tr", has_text=PEOPLE[0][0]).locator("a:has-text('Tinjau')").click()
    assert "diubah" in reviewer.locator("main").inner_text()
    journey.shot(reviewer, "reviewer-sees-changes-in-version-2")
    reviewer.click("main button:has-text('Setujui RTL')")
    reviewer.wait_for_load_state()
    reviewer.goto(journey.manage("/rtl"))
    for name, *_ in PEOPLE[1:3]:
        reviewer.locator("main tr", has_text=name).locator("input[name=plan_ids]").check()
    reviewer.click("main button:has-text('Setujui yang dicentang')")
    reviewer.wait_for_load_state()
    no_error_page(reviewer)
    queue = reviewer.locator("main table").inner_text()
    assert queue.count("Disetujui") >= 3, queue
    journey.shot(reviewer, "reviewer-queue-all-approved")

    page.goto(journey.url("/peserta"))
    page.click("main a:has-text('RTL')")
    assert "RTL Anda sudah disetujui" in page.locator("main").inner_text()
    journey.shot(page, "participant-rtl-approved")
