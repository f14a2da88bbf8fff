"""A newcomer on a phone (390 px): seats before registering, every error at once, the right keyboards,
kabupaten/kota search narrowed by province, and a verifier meeting an unknown code."""
import re

import pytest

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
OPEN_TRAINING = "Bimtek SPP dan TIK Angkatan II"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


def _not_wider_than_the_screen(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_public_page_shows_seats_and_the_form_shows_every_error_at_once(live_server, phone, shoot):
    phone.goto(live_server + "/pelatihan")
    phone.click(f"text={OPEN_TRAINING}")
    body = phone.locator("main").inner_text()
    assert "Batas pendaftaran" in body and "Pendaftaran ditutup" not in body
    assert re.search(r"Sisa \d+ dari \d+ kursi|Kuota penuh — Anda akan masuk daftar tunggu", body)
    _not_wider_than_the_screen(phone)
    shoot(phone, "newcomer-01-phone-training-seats")

    phone.click(".cta a.btn-primary")  # "Daftar sekarang", or "Daftar ke daftar tunggu" when the seats are taken
    assert phone.get_attribute("#email", "type") == "email"
    assert phone.get_attribute("#phone", "inputmode") == "tel"
    phone.fill("#nama_lengkap", "Siti Aminah, S.IP.")
    phone.fill("#jabatan", "J" * 250)
    phone.fill("#email", "bukan-email")
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    errors = phone.locator("p.error").all_inner_texts()
    assert any("Persetujuan wajib dicentang" in e for e in errors)
    assert phone.input_value("#jabatan") == "J" * 200  # maxlength from Length(max=200): the browser stops at it
    assert any("mail" in e.lower() for e in errors)
    assert len(errors) >= 6, errors  # consent, jabatan, email, phone, instansi, kabupaten, ... in one round
    assert not any(re.search(r"\b(Field|must|required|Invalid)\b", e) for e in errors), errors
    _not_wider_than_the_screen(phone)
    shoot(phone, "newcomer-02-phone-all-errors-at-once")


def test_kabupaten_suggestions_follow_the_province(live_server, phone, shoot):
    phone.goto(live_server + "/pelatihan")
    phone.click(f"text={OPEN_TRAINING}")
    phone.click(".cta a.btn-primary")  # "Daftar sekarang", or "Daftar ke daftar tunggu" when the seats are taken
    phone.wait_for_url("**/daftar")
    phone.wait_for_load_state("load")  # regions.js is deferred: let it run before typing
    assert phone.locator("#daftar-kabupaten option").count() == 515  # 514 + Lainnya, before a province
    phone.fill("#provinsi", "Kepulauan Bangka Belitung")
    phone.dispatch_event("#provinsi", "change")
    values = phone.locator("#daftar-kabupaten option").evaluate_all("os => os.map(o => o.value)")
    assert "Kabupaten Bangka" in values and "Kota Pangkal Pinang" in values and "Lainnya" in values
    assert len(values) == 8
    phone.fill("#kabupaten", "Bangka")
    shoot(phone, "newcomer-03-phone-kabupaten-search")


def test_unknown_code_and_lookup_by_number_and_name(live_server, phone, shoot):
    response = phone.goto(live_server + "/v/abcdefghijkmnpqrstuv")
    assert response.status == 404
    assert phone.locator("h1").inner_text() == "Sertifikat tidak terdaftar"
    _not_wider_than_the_screen(phone)
    shoot(phone, "newcomer-04-phone-unknown-certificate")
    phone.fill("#number", "800/999/DKPUS/2020")
    phone.fill("#name", "Nama Siapa Saja")
    phone.click("main button[type=submit]")
    phone.wait_for_load_state()
    assert "Tidak ada sertifikat dengan nomor dan nama tersebut" in phone.locator("main").inner_text()
    shoot(phone, "newcomer-05-phone-lookup-no-match")
