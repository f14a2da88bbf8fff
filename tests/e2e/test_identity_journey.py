"""Staff identity in a real browser: an admin creates an account, its owner resets the password by e-mail,
enrols an authenticator app (TOTP) and signs in with password + code; phone and desktop widths."""
import re

import pyotp
import pytest

from tests.e2e.mailbox import mails_to, wait_for_new_mail

pytestmark = pytest.mark.e2e
ADMIN, PASSWORD = "admin@dkpus.example.id", "demo-bimtek-2020"
NEWCOMER = "staf.baru@dkpus.example.id"
NEW_PASSWORD = "kopi jendela merah sungai"


def _sign_in(page, base, email, password):
    page.goto(base + "/akun/masuk")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


def _no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_password_reset_and_two_factor_enrolment_and_sign_in(live_server, browser, shoot):
    admin = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    _sign_in(admin, live_server, ADMIN, PASSWORD)
    admin.wait_for_url("**/kelola")
    admin.goto(live_server + "/kelola/pengguna")
    admin.fill("#name", "Staf Baru Uji")
    admin.fill("#email", NEWCOMER)
    admin.fill("#password", "sementara-panjang-sekali-01")
    admin.click("main form[action$='/kelola/pengguna'] button[type=submit]")
    assert "Akun berhasil dibuat" in admin.locator(".flashes").inner_text()
    shoot(admin, "identity-01-admin-users")

    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(live_server + "/akun/masuk")
    phone.click("text=Lupa kata sandi?")
    seen = len(mails_to(live_server, NEWCOMER))
    phone.fill("input[name=email]", NEWCOMER)
    phone.click("main button[type=submit]")
    assert "Jika alamat itu milik akun staf" in phone.locator("main").inner_text()
    _subject, body = wait_for_new_mail(live_server, NEWCOMER, seen)
    phone.goto(re.search(r"http://\S+/akun/sandi-baru/\S+", body).group(0))
    phone.fill("input[name=password]", "password123")
    phone.click("main button[type=submit]")
    assert "terlalu mudah ditebak" in phone.locator(".flashes").inner_text()
    shoot(phone, "identity-02-phone-weak-password")
    phone.fill("input[name=password]", NEW_PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/akun/masuk")
    _sign_in(phone, live_server, NEWCOMER, NEW_PASSWORD)
    phone.wait_for_url("**/kelola")

    phone.goto(live_server + "/akun/dua-langkah/")
    phone.click("main a:has-text('Aktifkan')")
    shoot(phone, "identity-03-phone-totp-qr")
    _no_sideways_scroll(phone, 390)
    secret = phone.locator("#totp-secret").inner_text().strip()
    phone.fill("input[name=code]", pyotp.TOTP(secret).now())
    phone.click("main button[type=submit]")
    assert phone.locator("#recovery-codes li").count() == 10
    shoot(phone, "identity-04-phone-recovery-codes")

    desktop = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    _sign_in(desktop, live_server, NEWCOMER, NEW_PASSWORD)
    desktop.wait_for_url("**/akun/masuk/verifikasi")
    desktop.fill("input[name=code]", "000000")
    desktop.click("main button[type=submit]")
    assert "Kode tidak cocok" in desktop.locator(".flashes").inner_text()
    desktop.fill("input[name=code]", pyotp.TOTP(secret).now())
    desktop.click("main button[type=submit]")
    desktop.wait_for_url("**/kelola")
    shoot(desktop, "identity-05-signed-in-with-two-factor")

    # The admin deactivates the account: the signed-in browser is out at its next click.
    admin.goto(live_server + "/kelola/pengguna")
    admin.locator("tr", has_text=NEWCOMER).locator("button:has-text('Nonaktifkan')").click()
    desktop.goto(live_server + "/kelola")
    assert "/akun/masuk" in desktop.url
    for page in (admin, phone, desktop):
        page.context.close()
