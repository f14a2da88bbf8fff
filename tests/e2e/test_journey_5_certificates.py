"""Journey steps 5 and 6: the penandatangan bulk-issues certificates; a participant downloads the PDF whose QR code
leads to the public verification page, which shows the revocation."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.journey import PEOPLE, flash, no_error_page, staff_login

pytestmark = pytest.mark.e2e


# --- 5. the penandatangan bulk-issues certificates and watches the progress bar --------------------------

def test_05_penandatangan_bulk_issues_certificates_and_watches_progress(journey):
    page = staff_login(journey, "ttd", "ttd@dkpus.example.id")
    page.goto(journey.manage("/sertifikat"))
    journey.shot(page, "ttd-certificates-before-settings")
    page.goto(journey.manage("/sertifikat/pengaturan"))
    page.fill("#signer_jabatan", "Kepala Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung")
    page.fill("#signer_name", "Dr. Asyraf Suryadin, M.Si.")
    page.fill("#signer_pangkat", "Pembina Utama Muda (IV/c)")
    page.fill("#place", "Pangkalpinang")
    journey.shot(page, "ttd-certificate-settings")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/sertifikat$"))
    assert "Pengaturan sertifikat disimpan" in flash(page)
    issue = page.locator("main button:has-text('Terbitkan semua yang memenuhi syarat')")
    assert "(3)" in issue.inner_text()  # Teguh has no approved RTL yet
    journey.shot(page, "ttd-certificates-ready-to-issue")
    issue.click()
    page.wait_for_selector(".job-progress")
    journey.shot(page, "ttd-bulk-issue-progress")
    # progress.js polls the job and reloads the page when it is done; the finished bar has no poller.
    page.wait_for_selector(".job-progress[data-finished]", timeout=120_000)
    assert page.locator("progress.progress").get_attribute("value") == "100"
    assert page.locator(".job-progress .job-count").inner_text() == "3"
    no_error_page(page)
    table = page.locator("main table").last.inner_text()
    assert table.count("Sah") == 3, table
    journey.shot(page, "ttd-bulk-issue-finished")


# --- 6. the participant downloads the PDF; the QR leads to the verify page; revocation shows there -------

def _verify_url_from_pdf(pdf_path, tmp_path):
    """Decode the QR code printed on the certificate (pdftoppm + zbarimg), else read the URL from the PDF."""
    if shutil.which("pdftoppm") and shutil.which("zbarimg"):
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "page")],
                       check=True, capture_output=True)
        image = next(tmp_path.glob("page*.png"))
        out = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                             capture_output=True, text=True)
        urls = [line for line in out.stdout.split() if "/v/" in line]
        assert urls, f"no QR code with a verify URL found on the certificate: {out.stdout!r} {out.stderr!r}"
        return urls[0]
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(str(pdf_path)).pages)
    return re.search(r"https?://\S+/v/\S+", text).group(0)


def test_06_participant_downloads_pdf_and_the_qr_verifies_until_revoked(journey, tmp_path):
    page = journey.page(PEOPLE[0][1])
    page.goto(journey.url("/peserta"))
    journey.shot(page, "participant-portal-certificate-ready")
    with page.expect_download() as info:
        page.click("main a:has-text('Unduh sertifikat (PDF)')")
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" /
                        f"journey-{journey.counter + 1:02d}-certificate-pdf-page-1")], check=False)
    journey.counter += 1
    verify_url = _verify_url_from_pdf(pdf, tmp_path)
    assert verify_url.startswith(journey.base + "/v/"), verify_url

    public = journey.page("public-verifier", width=390, height=844)
    public.goto(verify_url)
    text = public.locator("main").inner_text()
    assert "Sertifikat sah." in text and PEOPLE[0][0] in text and "30 JP" in text
    assert PEOPLE[0][1] not in text and journey.numbers[PEOPLE[0][1]] not in text  # no e-mail, no number
    journey.shot(public, "public-verify-page-valid-phone")

    ttd = journey.page("ttd")
    ttd.goto(journey.manage("/sertifikat"))
    ttd.locator("main tr", has_text=PEOPLE[0][0]).locator("a:has-text('Cabut')").click()
    reason = "Nama pada sertifikat salah ketik; akan diterbitkan ulang."
    ttd.fill("#reason", reason)
    journey.shot(ttd, "ttd-revoke-certificate")
    ttd.click("main button[type=submit]")
    ttd.wait_for_url(re.compile(r".*/sertifikat$"))
    assert "dicabut" in flash(ttd)

    public.goto(verify_url)
    text = public.locator("main").inner_text()
    assert "Sertifikat dicabut." in text and reason in text
    journey.shot(public, "public-verify-page-revoked-phone")
