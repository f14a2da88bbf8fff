"""Browser journey of self check-in on a phone: the host's screen shows the rotating code, a participant checks in
(masuk) from the portal link the QR holds, checks out (keluar) with the next code, and the session table shows
the pair as "Presensi mandiri"."""
import json
import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT
from tests.e2e.mailbox import mails_to, wait_for_new_mail

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}

# Runs against the e2e server's database: a training today whose first session started 10 minutes ago, the demo
# participant registered in it and a panitia account (factories' password).
SETUP = """
import json
from datetime import date, timedelta
from bimtek import create_app
from bimtek.accounts.models import Duty
from bimtek.core.models import now_utc
from tests.factories import PASSWORD, make_registration, make_staff, make_training
from bimtek.demo import participant_email
app = create_app()
with app.app_context():
    from bimtek.extensions import db
    training = make_training(code="CEKIN", days=1, start=date.today())
    session = training.sessions[0]
    session.starts_at, session.ends_at = now_utc() - timedelta(minutes=10), now_utc() + timedelta(hours=2)
    db.session.commit()
    registration = make_registration(training, email=participant_email(0), name="Peserta Presensi")
    panitia = make_staff(training, Duty.PANITIA, email="panitia.cekin@example.id")
    print(json.dumps({"training": training.id, "session": session.id, "email": participant_email(0),
                      "number": registration.number, "password": PASSWORD}))
"""


def _setup(live_server):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{live_server.data_dir.parent / 'e2e.sqlite3'}",
               BIMTEK_DATA_DIR=str(live_server.data_dir), SECRET_KEY="e2e-secret", BASE_URL=live_server)
    env.pop("TEST_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _participant_sign_in(page, base, email):
    page.goto(base + "/peserta/masuk")
    seen = len(mails_to(base, email))
    page.fill("input[name=link-email]", email)
    page.click("main button[type=submit]")
    page.wait_for_url("**/peserta/masuk/kode")
    subject, _body = wait_for_new_mail(base, email, seen)
    page.fill("input[name=code]", re.search(r"Kode masuk (\d{6})", subject).group(1))
    page.click("main button[type=submit]")
    page.wait_for_url("**/peserta")


def _code(host):
    return host.locator("[data-code]").inner_text().replace(" ", "")


def test_self_checkin_on_a_phone(live_server, browser, shoot):
    data = _setup(live_server)
    staff = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID").new_page()
    staff.goto(live_server + "/akun/masuk")
    staff.fill("input[name=email]", "panitia.cekin@example.id")
    staff.fill("input[name=password]", data["password"])
    staff.click("main button[type=submit]")
    staff.wait_for_url("**/kelola")
    session_url = f"{live_server}/kelola/pelatihan/{data['training']}/kehadiran/sesi/{data['session']}"
    host = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID",
                               storage_state=staff.context.storage_state()).new_page()
    host.goto(session_url + "/presensi-mandiri")
    first = _code(host)
    assert re.fullmatch(r"\d{6}", first) and host.locator(".checkin-qr svg").is_visible()
    shoot(host, "checkin-host")

    phone = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True, has_touch=True).new_page()
    _participant_sign_in(phone, live_server, data["email"])
    assert phone.locator(f"a[href='/peserta/presensi/{data['session']}']").count() == 1  # link on Halaman saya
    phone.goto(f"{live_server}/peserta/presensi/{data['session']}?kode={first}")  # what the QR opens
    phone.click("button[value=masuk]")
    assert "Presensi masuk tercatat" in phone.locator(".flashes").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The host screen reloads itself with the next code within a minute.
    expect(host.locator("[data-code]")).not_to_have_text(f"{first[:3]} {first[3:]}", timeout=75_000)
    second = _code(host)
    phone.fill("#code", second)
    phone.click("button[value=keluar]")
    assert "Presensi keluar tercatat" in phone.locator(".flashes").inner_text()
    assert phone.locator("[data-masuk]").is_visible() and phone.locator("[data-keluar]").is_visible()
    shoot(phone, "checkin-participant-phone")

    staff.goto(session_url)
    staff.check("input[name=counts_alone][value='1']")
    staff.click("#presensi-mandiri button[type=submit]")
    table = staff.locator("main").inner_text()
    assert f"Presensi mandiri – {data['number']} Peserta Presensi" in table
    assert re.search(r"presensi mandiri \d\d\.\d\d–\d\d\.\d\d WIB", table)  # the interval
    shoot(staff, "checkin-session-table")
