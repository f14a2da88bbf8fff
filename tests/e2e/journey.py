"""The shared story of the test_journey_*.py files (issue 13 split test_journey.py by role): one training built by
the admin, five participants, panitia, reviewer and penandatangan, each with one browser session, as in real life.

The files run in name order against one server and one `journey` (session fixture in conftest.py): each step
needs the ones before it. Every step leaves a numbered screenshot in artifacts/screenshots/ (kept by CI).
"""
import re
from datetime import date, timedelta

import pytest

from tests.e2e.checks import VIEWPORTS
from tests.e2e.mailbox import mails_to, wait_for_new_mail

PASSWORD = "demo-bimtek-2020"
CODE = "JRN"
TRAINING = "Bimtek Literasi Digital Perpustakaan Desa (Uji Perjalanan)"
MATERI = (("Kebijakan Transformasi Perpustakaan", "Kepala Dinas", 6),
          ("Literasi Digital untuk Masyarakat", "Narasumber Perpusnas", 8),
          ("Pengelolaan Koleksi Digital", "Pustakawan Ahli Madya", 6),
          ("Advokasi dan Kemitraan", "Fasilitator TPBIS", 6),
          ("Penyusunan RTL", "Fasilitator TPBIS", 4))
# (nama, email, NIP or "", jenis kelamin, zoom display name)
PEOPLE = (
    ("Wulan Sari Kusuma, S.IP.", "wulan.kusuma@example.id", "19860926 201505 2 001", "P", "{number} Wulan Kusuma"),
    ("Agus Salim", "agus.salim@example.id", "", "L", "Agus Salim"),
    ("Maya Anggraini, A.Md.", "maya.anggraini@example.id", "", "P", "Galaxy A52"),
    ("Teguh Prasetyo, S.Kom.", "teguh.prasetyo@example.id", "19900412 201903 1 002", "L", "{number} Teguh"),
    ("Dian Puspita", "dian.puspita@example.id", "", "P", "Dian Puspita"),
)
CAPACITY = 4


def days_from_today(offset):
    return date.today() + timedelta(days=offset)


START = days_from_today(-9)  # the training took place last week; registration is still open (late registrations)


class Journey:
    """What the story remembers between steps: one browser context per person, numbers, URLs."""

    def __init__(self, base, browser, shoot):
        self.base, self.browser, self._shoot, self.contexts = base, browser, shoot, {}
        self.training_id = None
        self.numbers = {}  # email → registration number
        self.status_mails = {}  # email → body of the registration e-mail
        self.counter = 0

    def page(self, who, width=1366, height=900):
        if who not in self.contexts:
            context = self.browser.new_context(viewport={"width": width, "height": height}, locale="id-ID",
                                               accept_downloads=True)
            page = context.new_page()
            page.on("dialog", lambda dialog: dialog.accept())  # data-confirm buttons ask first
            self.contexts[who] = page
        return self.contexts[who]

    def shot(self, page, name):
        self.counter += 1
        self._shoot(page, f"journey-{self.counter:02d}-{name}")

    def shots_at_both_widths(self, page, name):
        """Phone and desktop screenshots of a page issue 14 fixed (contrast, focus ring, scroll boxes)."""
        original = page.viewport_size
        for label, viewport in (("phone", VIEWPORTS[0]), ("desktop", VIEWPORTS[1])):
            page.set_viewport_size(viewport)
            self.shot(page, f"{name}-{label}")
        page.set_viewport_size(original)

    def url(self, path):
        return self.base + path

    def manage(self, suffix=""):
        self.require()
        return self.url(f"/kelola/pelatihan/{self.training_id}{suffix}")

    def close(self):
        for page in self.contexts.values():
            page.context.close()


    def require(self):
        if self.training_id is None:
            pytest.fail("the journey's training does not exist: run tests/e2e/test_journey_*.py together, in order")

def staff_login(journey, who, email):
    page = journey.page(who)
    page.goto(journey.url("/akun/masuk"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/kelola")
    return page


def participant_login(journey, email, page=None):
    """Sign in as a participant does: ask for a code by e-mail, read it from the outbox, type it."""
    page = page or journey.page(email)
    page.goto(journey.url("/peserta/masuk"))
    seen = len(mails_to(journey.base, email))
    page.fill("input[name=link-email]", email)
    page.click("main button[type=submit]")
    page.wait_for_url("**/peserta/masuk/kode")
    subject, _body = wait_for_new_mail(journey.base, email, seen)
    page.fill("input[name=code]", re.search(r"Kode masuk (\d{6})", subject).group(1))
    page.click("main button[type=submit]")
    page.wait_for_url("**/peserta")
    return page


def flash(page):
    return page.locator(".flashes").inner_text()


def no_error_page(page):
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Internal Server Error" not in body, body[:500]


RTL_ROWS = (
    ("Peningkatan Layanan Informasi", "Kelas literasi digital bagi pelajar", "Pelajar mampu memakai katalog daring",
     "40 pelajar SMP", "Agustus–September", "Kepala Perpustakaan Desa", "30 pelajar lulus kuis literasi"),
    ("Pelibatan Masyarakat", "Pojok baca di balai desa", "Meningkatkan kunjungan warga",
     "Warga desa", "Oktober", "Pengelola Perpustakaan", "Kunjungan naik 20 persen"),
    ("Advokasi dan Kemitraan", "Audiensi dengan kepala desa", "Dukungan anggaran dana desa",
     "Pemerintah desa", "November", "Kepala Perpustakaan Desa", "Anggaran tercantum di APBDes"),
)
FIELDS = ("strategi", "kegiatan", "tujuan", "sasaran", "waktu_pelaksanaan", "penanggung_jawab",
          "indikator_keberhasilan")


def write_rtl(page, journey, rows=RTL_ROWS):
    for i, values in enumerate(rows):
        for field, value in zip(FIELDS, values):
            locator = page.locator(f"[name='rows-{i}-{field}']")
            if field == "strategi":
                locator.select_option(value)
            else:
                locator.fill(value)
    page.fill("[name='rows-0-sumber_dana']", "Dana Desa")

