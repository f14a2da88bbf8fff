"""TTE journey: the admin sets the institution's key (PKCS#12 made now) and trust anchor, signs the training's
certificates in the background with the password typed once, and a verifier checks one on the public page."""
import pytest

from tests import tte_keys

pytestmark = pytest.mark.e2e
PASSWORD = "Sandi-Instansi-2020"


def _sign_in_admin(page, live_server):
    page.goto(live_server + "/akun/masuk")
    page.fill("input[name=email]", "admin@dkpus.example.id")
    page.fill("input[name=password]", "demo-bimtek-2020")
    page.click("main button[type=submit]")
    page.wait_for_url("**/kelola")


def test_admin_signs_with_the_institution_key_and_a_verifier_checks_a_certificate(
        live_server, browser, shoot, tmp_path):
    p12, ca = tmp_path / "instansi.p12", tmp_path / "ca.pem"
    p12.write_bytes(tte_keys.make_p12(password=PASSWORD))
    ca.write_bytes(tte_keys.make_ca().pem)
    desktop = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID", accept_downloads=True)
    page = desktop.new_page()
    _sign_in_admin(page, live_server)
    page.click("text=Bimtek Strategi Pengembangan Perpustakaan (SPP) dan TIK")
    page.click("a[href$='/sertifikat']")
    page.click("text=Tandatangani dengan TTE")
    page.select_option("#method", "pkcs12")
    page.set_input_files("#pkcs12", str(p12))
    page.fill("#pkcs12_password", PASSWORD)
    page.set_input_files("#anchors", str(ca))
    page.click("text=Simpan pengaturan TTE")
    assert page.locator("text=Pengaturan tanda tangan elektronik disimpan.").is_visible()
    page.fill("#secret", PASSWORD)
    page.click("main button:has-text('Tandatangani semua')")
    page.wait_for_selector("text=/\\d+ sertifikat ditandatangani/", timeout=120_000)
    page.wait_for_selector(".job-progress[data-finished]", state="attached", timeout=120_000)
    shoot(page, "tte-01-desktop-signed")

    page.click("text=Kembali ke sertifikat")
    page.locator("td a[href*='/sertifikat/']").first.click()
    verify_url = page.locator("a[href*='/v/']").first.get_attribute("href")
    with page.expect_download() as download:
        page.click("text=Unduh PDF")
    signed = download.value.path().read_bytes()
    tte_keys.assert_pdfsig_valid(signed, tmp_path / "pdfsig", "Dr. Uji Penandatangan")
    desktop.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    verifier = phone.new_page()
    verifier.goto(verify_url if verify_url.startswith("http") else live_server + verify_url)
    assert verifier.locator("text=/Ditandatangani secara elektronik oleh Dr. Uji Penandatangan pada /").is_visible()
    (tmp_path / "diterima.pdf").write_bytes(signed)
    verifier.click("text=Periksa berkas PDF")  # i15v: the PDF check has its own page (/v/<code>/periksa)
    verifier.set_input_files("input[type=file]", str(tmp_path / "diterima.pdf"))
    verifier.click("text=Periksa berkas")
    assert verifier.locator("text=Berkas identik dengan sertifikat yang tersimpan").is_visible()
    assert verifier.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(verifier, "tte-02-phone-verified")
    (tmp_path / "diubah.pdf").write_bytes(signed + b"\n% diubah\n")
    verifier.set_input_files("input[type=file]", str(tmp_path / "diubah.pdf"))
    verifier.click("text=Periksa berkas")
    assert verifier.locator("text=/DIUBAH setelah ditandatangani/").is_visible()
    shoot(verifier, "tte-03-phone-modified")
    phone.close()
