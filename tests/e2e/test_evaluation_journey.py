"""A participant does the post-test and the evaluation on a phone: the admin allows a retake, the participant
signs in with an e-mailed code, answers (autosaved, also across a dropped connection), submits once, then fills
the anonymous questionnaire; the admin sees the recap, has the activity report built in the background (progress on
the job's page) and downloads it."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.mailbox import mails_to, wait_for_new_mail

pytestmark = pytest.mark.e2e
ADMIN, PASSWORD = "admin@dkpus.example.id", "demo-bimtek-2020"
PARTICIPANT = "maria.ulfa@example.id"  # a demo participant who did both tests but not the questionnaire
PHONE = {"width": 390, "height": 844}


def _admin(browser, base):
    page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID").new_page()
    page.goto(base + "/akun/masuk")
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/kelola")
    return page


def _participant(browser, base):
    page = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True).new_page()
    page.goto(base + "/peserta/masuk")
    seen = len(mails_to(base, PARTICIPANT))
    page.fill("input[name=link-email]", PARTICIPANT)
    page.click("main button[type=submit]")
    page.wait_for_url("**/peserta/masuk/kode")
    subject, _body = wait_for_new_mail(base, PARTICIPANT, seen)
    page.fill("input[name=code]", re.search(r"Kode masuk (\d{6})", subject).group(1))
    page.click("main button[type=submit]")
    page.wait_for_url("**/peserta")
    return page


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _saved(page):
    expect(page.locator("#eval-save-status")).to_have_text("Tersimpan")


def test_participant_does_post_test_and_evaluation_on_a_phone(live_server, browser, shoot):
    admin = _admin(browser, live_server)
    admin.goto(live_server + "/kelola/pelatihan/1/evaluasi")
    admin.locator("#eval-scores tr", has_text="Maria Ulfa").locator("button", has_text="post").click()
    assert "boleh mengerjakan ulang" in admin.locator(".flashes").inner_text()

    phone = _participant(browser, live_server)
    portal = phone.locator(".eval-portal")
    assert "Post-test" in portal.inner_text() and "Isi evaluasi" in portal.inner_text()
    portal.get_by_role("link", name="kerjakan ulang").click()
    phone.get_by_role("button", name="Kerjakan ulang").click()
    questions = phone.locator("fieldset.eval-question")
    count = questions.count()
    assert count == 10 and "batas waktu 30 menit" in phone.content()
    assert phone.locator("[data-seconds-left]").is_visible()
    _fits(phone)
    shoot(phone, "evaluation-post-test-phone")

    questions.nth(0).locator("label.eval-option").nth(0).click()
    _saved(phone)
    phone.context.set_offline(True)  # the connection drops while answering
    questions.nth(1).locator("label.eval-option").nth(1).click()
    expect(phone.locator("#eval-save-status")).to_contain_text("terputus")
    phone.context.set_offline(False)  # back online: the phone resends what it kept
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    _saved(phone)
    chosen = [questions.nth(i).locator("input:checked").get_attribute("value") for i in (0, 1)]
    phone.reload()
    questions = phone.locator("fieldset.eval-question")
    assert [questions.nth(i).locator("input:checked").get_attribute("value") for i in (0, 1)] == chosen

    for i in range(2, count):
        questions.nth(i).locator("label.eval-option").nth(0).click()
    _saved(phone)
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Kirim jawaban").click()
    phone.wait_for_url("**/tes/post")
    assert "Post-test terkirim. Nilai Anda:" in phone.locator(".flashes").inner_text()
    assert phone.locator("#eval-score").is_visible()

    phone.goto(live_server + "/peserta")
    phone.locator(".eval-portal").get_by_role("link", name="Isi evaluasi").click()
    items = phone.locator("fieldset.eval-question")
    assert items.count() > 10
    _fits(phone)
    for i in range(items.count()):
        items.nth(i).locator("label.eval-point").nth(3).click()
    phone.locator("textarea").first.fill("Materi TIK sangat membantu perpustakaan desa kami.")
    _saved(phone)
    shoot(phone, "evaluation-questionnaire-phone")
    phone.get_by_role("button", name="Kirim evaluasi").click()
    phone.wait_for_url("**/peserta")
    assert "evaluasi Anda terkirim" in phone.locator(".flashes").inner_text()
    assert "terkirim, terima kasih" in phone.locator(".eval-portal").inner_text()

    admin.goto(live_server + "/kelola/pelatihan/1/evaluasi/kuesioner")
    assert admin.locator("[data-figure=respondents]").inner_text() == "9"
    assert "Maria Ulfa" not in admin.content().split("Peserta yang belum mengisi")[0]
    shoot(admin, "evaluation-survey-results-desktop")
    admin.goto(live_server + "/kelola/pelatihan/1/laporan")
    for fmt in ("DOCX", "PDF"):
        admin.get_by_role("button", name=f"Buat laporan ({fmt})").click()
        admin.wait_for_url("**/kelola/pekerjaan/*")
        link = admin.get_by_role("link", name=f"Unduh laporan ({fmt})")
        link.wait_for(timeout=120_000)  # progress.js reloads the job's page when the job has finished
        assert "Selesai" in admin.locator(".job-progress").inner_text()
        shoot(admin, f"report-job-{fmt.lower()}-desktop")
        with admin.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == f"laporan-kegiatan-SPP2020.{fmt.lower()}"
        admin.goto(live_server + "/kelola/pelatihan/1/laporan")
    files = admin.locator("#berkas-laporan").inner_text()
    assert files.count("Dibuat") == 2 and "WIB" in files and "Tidak terkini" not in files
    shoot(admin, "report-files-desktop")
