"""Running the training in a real browser: panitia send an announcement and open its WhatsApp list, upload a
handout that a participant downloads from the portal, and a narasumber's certificate is issued and verified."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from bimtek.demo import participant_email
from tests.e2e.mailbox import mails_to, wait_for_new_mail

pytestmark = pytest.mark.e2e
PASSWORD = "demo-bimtek-2020"
TRAINING = "Bimtek Strategi Pengembangan Perpustakaan (SPP) dan TIK"
HANDOUT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _staff(browser, live_server, email, width=1366):
    page = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID").new_page()
    page.goto(live_server + "/akun/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def _training_manage_url(page, live_server):
    page.goto(live_server + "/kelola")
    page.click(f"text={TRAINING}")
    page.wait_for_load_state()
    return re.search(r"(/kelola/pelatihan/\d+)", page.url).group(1)


def test_announcement_whatsapp_handout_and_speaker_certificate(live_server, browser, shoot, tmp_path):
    panitia = _staff(browser, live_server, "panitia@dkpus.example.id")
    manage = live_server + _training_manage_url(panitia, live_server)

    # 1. An announcement from a ready template, previewed with its recipient count, then sent.
    panitia.goto(manage + "/pengumuman/?templat=rtl")
    assert "Pengingat mengisi RTL" in panitia.input_value("#subject")
    panitia.click("main button[value=preview]")
    count = int(re.search(r"(\d+) penerima", panitia.locator("#pratinjau").inner_text()).group(1))
    assert count > 0
    shoot(panitia, "i19-01-announcement-preview")
    first = participant_email(0)
    before = len(mails_to(live_server, first))
    panitia.click("main button[value=send]")
    panitia.wait_for_load_state()
    assert f"{count} peserta" in panitia.locator(".flash, .alert").first.inner_text()
    subject, body = wait_for_new_mail(live_server, first, before)  # the outbox delivered it after the commit
    assert subject.startswith("Pengingat mengisi RTL") and "Rencana Tindak Lanjut" in body

    # 2. The WhatsApp list: one wa.me link per participant with the personal message.
    panitia.click("text=Kirim lewat WhatsApp")
    links = panitia.locator("#daftar-whatsapp a[href^='https://wa.me/62']")
    assert links.count() == count
    text = parse_qs(urlsplit(links.first.get_attribute("href")).query)["text"][0]
    assert text.startswith("Yth. ") and "{nama}" not in text and "Rencana Tindak Lanjut" in text
    assert "Bapak/Ibu peserta" in panitia.input_value("#teks-grup")
    shoot(panitia, "i19-02-whatsapp-list")
    panitia.goto(manage + "/pengumuman/pengingat")
    assert panitia.locator("input[type=checkbox][name^=h1-]").count() == 6  # the demo training's six sessions
    panitia.locator("main a:has-text('Kirim lewat WhatsApp')").first.click()
    reminder = parse_qs(urlsplit(panitia.locator("#daftar-whatsapp a").first.get_attribute("href")).query)["text"][0]
    assert "Nama tampilan Zoom" in reminder and "SPP2020-0001" in reminder

    # 3. A participants-only handout, downloaded by a participant from the portal.
    panitia.goto(manage + "/bahan")
    panitia.fill("#berkas-title", "Modul TPBIS hari 1")
    handout = tmp_path / "modul.pdf"
    handout.write_bytes(HANDOUT)
    panitia.set_input_files("#berkas-file", str(handout))
    panitia.click("main form[action$='/unggah'] button[type=submit]")
    panitia.wait_for_load_state()
    assert "Modul TPBIS hari 1" in panitia.locator("#daftar-bahan").inner_text()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID", accept_downloads=True)
    participant = phone.new_page()
    already = len(mails_to(live_server, first))
    participant.goto(live_server + "/peserta/masuk")
    participant.fill("input[name=link-email]", first)
    participant.click("main button[type=submit]")
    subject, _ = wait_for_new_mail(live_server, first, already)
    participant.wait_for_url("**/peserta/masuk/kode")
    participant.fill("input[name=code]", re.search(r"Kode masuk (\d{6})", subject).group(1))
    participant.click("main button[type=submit]")
    participant.wait_for_load_state()
    assert participant.locator("a.whatsapp-share").first.get_attribute("href").startswith("https://wa.me/?text=")
    shoot(participant, "i19-03-portal-handout")
    with participant.expect_download() as download:
        participant.click("text=Modul TPBIS hari 1")
    assert download.value.suggested_filename == "Modul-TPBIS-hari-1.pdf"
    assert download.value.path().read_bytes() == HANDOUT
    phone.close()
    panitia.goto(manage + "/bahan")
    assert re.search(r"Modul TPBIS hari 1.*\b1\b", panitia.locator("#daftar-bahan").inner_text(), re.S)

    # 4. A narasumber from the materi list gets a certificate that the public page verifies.
    signer = _staff(browser, live_server, "ttd@dkpus.example.id")
    signer.goto(manage + "/sertifikat/narasumber")
    signer.click("text=Ambil narasumber dari daftar materi")
    signer.wait_for_load_state()
    signer.locator("#penerima button:has-text('Terbitkan')").first.click()
    signer.wait_for_load_state()
    shoot(signer, "i19-04-speaker-certificates")
    signer.locator("#penerima a:has-text('verifikasi')").first.click()
    signer.wait_for_load_state()
    body = signer.locator("main").inner_text()
    assert "Sertifikat sah." in body and "Narasumber" in body
    shoot(signer, "i19-05-speaker-verified")
