"""The seed's story end to end in a real browser, as people do it: an admin builds and opens a training,
participants register (one lands on the waiting list), panitia uploads Zoom logs and fixes the review queue,
participants write RTLs that the reviewer sends back and approves, the penandatangan issues certificates,
and a participant downloads the PDF whose QR code leads to the public verification page.

Every step leaves a numbered screenshot in artifacts/screenshots/ (kept by CI). The steps run in order and
share one server and one browser session per person, as in real life (one sign-in per person).
"""
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.mailbox import mails_to, wait_for_new_mail

pytestmark = pytest.mark.e2e

WIB = ZoneInfo("Asia/Jakarta")
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


def _day(offset):
    return date.today() + timedelta(days=offset)


START = _day(-9)  # the training took place last week; registration is still open (late registrations)


class Journey:
    """What the story remembers between steps: one browser context per person, numbers, URLs."""

    def __init__(self, base, browser, shoot):
        self.base, self.browser, self._shoot, self.contexts = base, browser, shoot, {}
        self.training_id = None
        self.numbers = {}  # email → registration number
        self.status_mails = {}  # email → body of the registration e-mail
        self.counter = 0

    def page(self, who, width=1280, height=900):
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

    def url(self, path):
        return self.base + path

    def manage(self, suffix=""):
        return self.url(f"/kelola/pelatihan/{self.training_id}{suffix}")

    def close(self):
        for page in self.contexts.values():
            page.context.close()


@pytest.fixture(scope="module")
def journey(live_server, browser):
    shots = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("journey-*.png"):
        old.unlink()

    def shoot(page, name):
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    story = Journey(live_server, browser, shoot)
    yield story
    story.close()


def _staff_login(journey, who, email):
    page = journey.page(who)
    page.goto(journey.url("/akun/masuk"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/kelola")
    return page


def _participant_login(journey, email, page=None):
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


def _flash(page):
    return page.locator(".flashes").inner_text()


def _no_error_page(page):
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "Internal Server Error" not in body, body[:500]


# --- 1. admin builds and opens the training -----------------------------------------------------------

def test_01_admin_creates_training_with_schedule_materi_and_opens_registration(journey):
    page = _staff_login(journey, "admin", "admin@dkpus.example.id")
    journey.shot(page, "admin-dashboard")
    page.click("text=Buat pelatihan")
    page.fill("#name", TRAINING)
    page.fill("#code", CODE)
    page.fill("#program", "TPBIS")
    page.fill("#organizer_unit", "Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung")
    page.fill("#organizer_short", "DKPUS")
    page.fill("#meeting_url", "https://zoom.us/j/85218486288")
    page.fill("#city", "Pangkalpinang")
    page.fill("#start_date", START.isoformat())
    page.fill("#end_date", (START + timedelta(days=2)).isoformat())
    page.fill("#registration_opens_at", f"{_day(-20).isoformat()}T08:00")
    page.fill("#registration_closes_at", f"{_day(14).isoformat()}T23:00")
    page.fill("#capacity", str(CAPACITY))
    page.check("#is_published")
    journey.shot(page, "admin-new-training-form")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/kelola/pelatihan/\d+$"))
    journey.training_id = int(page.url.rsplit("/", 1)[1])
    assert "Pelatihan dibuat" in _flash(page)

    page.fill("#slot1_start", "08:00")
    page.fill("#slot1_end", "12:00")
    page.fill("#slot2_start", "13:00")
    page.fill("#slot2_end", "16:30")
    page.click("text=Buat jadwal >> nth=-1")
    page.wait_for_load_state()
    assert page.locator("#jadwal .sessions li, #jadwal tbody tr").count() == 6
    for title, trainer, jp in MATERI:
        page.fill("#materi #title", title)
        page.fill("#materi #trainer", trainer)
        page.fill("#materi #jp", str(jp))
        page.click("#materi button:has-text('Tambah materi')")
        page.wait_for_load_state()
    assert page.locator("#materi tfoot").inner_text().split()[-1] == "30"
    journey.shot(page, "admin-training-schedule-and-30-jp")

    page.goto(journey.manage("/staf"))
    for email, duty in (("panitia@dkpus.example.id", "panitia"), ("reviewer@dkpus.example.id", "reviewer"),
                        ("ttd@dkpus.example.id", "penandatangan")):
        option = page.locator("#user_id option", has_text=email).first
        page.select_option("#user_id", value=option.get_attribute("value"))
        page.select_option("#duty", value=duty)
        page.click("main button:has-text('Tambahkan')")
        page.wait_for_load_state()
    journey.shot(page, "admin-training-staff")
    _no_error_page(page)

    page.goto(journey.url(f"/pelatihan/{journey.training_id}"))
    assert page.locator("text=Daftar").first.is_visible()
    journey.shot(page, "public-training-page-open-for-registration")


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
    _no_error_page(page)
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


# --- 3. panitia uploads a Zoom participants export per session -------------------------------------------

def _zoom_export(session_index, day, start, end, people, numbers):
    """A Zoom "Participants" report with meeting data, shaped like the real 2020–2021 export."""
    fmt = "%m/%d/%Y %I:%M:%S %p"
    s = datetime.combine(day, start) - timedelta(minutes=10)
    e = datetime.combine(day, end) + timedelta(minutes=5)
    lines = ["Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
             f"852 1848 62{session_index:02d},{TRAINING} - Sesi {session_index},{s.strftime(fmt)},{e.strftime(fmt)},"
             f"panitia@dkpus.example.id,{int((e - s).total_seconds() // 60)},{len(people) + 1}",
             "",
             "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent"]
    host_join = datetime.combine(day, start) - timedelta(minutes=10)
    lines.append(f"Panitia DKPUS (Host),panitia@dkpus.example.id,{host_join.strftime(fmt)},{e.strftime(fmt)},"
                 f"{int((e - host_join).total_seconds() // 60)},No,")
    for offset, (_name, email, _nip, _g, zoom) in enumerate(people):
        join = datetime.combine(day, start) - timedelta(minutes=3) + timedelta(minutes=offset)
        leave = datetime.combine(day, end) + timedelta(minutes=1)
        display = zoom.format(number=numbers[email])
        mail = email if offset == 1 else ""  # only signed-in Zoom users show an address
        lines.append(f"{display},{mail},{join.strftime(fmt)},{leave.strftime(fmt)},"
                     f"{int((leave - join).total_seconds() // 60)},{'Yes' if not mail else 'No'},Y")
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_03_panitia_uploads_zoom_logs_resolves_a_name_and_overrides_an_absence(journey, tmp_path):
    page = _staff_login(journey, "panitia", "panitia@dkpus.example.id")
    page.click(f"text={TRAINING}")
    page.goto(journey.manage("/kehadiran"))
    journey.shot(page, "panitia-attendance-before-upload")
    seated = PEOPLE[:CAPACITY]
    slots = ((datetime.strptime("08:00", "%H:%M").time(), datetime.strptime("12:00", "%H:%M").time()),
             (datetime.strptime("13:00", "%H:%M").time(), datetime.strptime("16:30", "%H:%M").time()))
    session_links = page.locator("main a[href*='/kehadiran/sesi/']")
    session_urls = list(dict.fromkeys(session_links.nth(i).get_attribute("href") for i in range(session_links.count())))
    assert len(session_urls) == 6, session_urls
    for index, href in enumerate(session_urls, start=1):
        day = START + timedelta(days=(index - 1) // 2)
        start, end = slots[(index - 1) % 2]
        present = seated if index != 6 else seated[:3]  # Teguh is missing from the last log
        path = tmp_path / f"participants_85218486{index:02d}.csv"
        path.write_bytes(_zoom_export(index, day, start, end, present, journey.numbers))
        page.goto(journey.url(href))
        page.set_input_files("#files", str(path))
        page.click("main button:has-text('Unggah dan lihat pratinjau')")
        page.wait_for_url("**/pratinjau")
        _no_error_page(page)
        if index == 1:
            journey.shot(page, "panitia-upload-preview-session-1")
        page.click("main button:has-text('Terapkan')")
        page.wait_for_url(re.compile(r".*/kehadiran/sesi/\d+$"))
        if index == 1:
            assert page.locator("#antrean").is_visible()
            assert "Galaxy A52" in page.locator("#antrean").inner_text()
            journey.shot(page, "panitia-session-1-review-queue")
            item = page.locator("#antrean li", has_text="Galaxy A52")
            option = item.locator("select option", has_text=PEOPLE[2][0]).first
            item.locator("select").select_option(value=option.get_attribute("value"))
            item.locator("button:has-text('Tetapkan') >> nth=-1").click()
            page.wait_for_load_state()
            assert "ditetapkan sebagai" in _flash(page)
            assert "Galaxy A52" not in page.locator("#antrean").inner_text()
            maya = page.locator("main table tbody tr", has_text=PEOPLE[2][0]).inner_text()
            assert "Galaxy A52" in maya and "Hadir" in maya, maya
            journey.shot(page, "panitia-session-1-name-resolved")
        if index == 6:
            row = page.locator("main table tbody tr", has_text=PEOPLE[3][0])
            assert "Tidak hadir" in row.inner_text()
            row.locator("summary").click()
            row.locator("select[name=status]").select_option("hadir")
            row.locator("textarea[name=reason]").fill(
                "Hadir di ruang rapat Dinas bersama panitia (satu perangkat); tercatat di daftar hadir manual.")
            row.locator("button:has-text('Simpan koreksi')").click()
            page.wait_for_load_state()
            assert "Koreksi kehadiran disimpan" in _flash(page)
            row = page.locator("main table tbody tr", has_text=PEOPLE[3][0])
            assert "daftar hadir manual" in row.inner_text()
            journey.shot(page, "panitia-session-6-absence-overridden")
    page.goto(journey.manage("/kehadiran"))
    _no_error_page(page)
    journey.shot(page, "panitia-attendance-overview")
    overview = page.locator("main").inner_text()
    for name, *_ in seated:
        assert name in overview


# --- 4. action plans: write, send back, revise, approve ---------------------------------------------------

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


def _write_rtl(page, journey, rows=RTL_ROWS):
    for i, values in enumerate(rows):
        for field, value in zip(FIELDS, values):
            locator = page.locator(f"[name='rows-{i}-{field}']")
            if field == "strategi":
                locator.select_option(value)
            else:
                locator.fill(value)
    page.fill("[name='rows-0-sumber_dana']", "Dana Desa")


def test_04_action_plans_are_written_sent_back_revised_and_approved(journey):
    admin = journey.page("admin")
    admin.goto(journey.manage("/rtl/pengaturan"))
    admin.fill("#opens_at", f"{_day(-1).isoformat()}T00:00")
    admin.fill("#closes_at", f"{_day(30).isoformat()}T23:00")
    journey.shot(admin, "admin-rtl-settings-window-open")
    admin.click("main button[type=submit]")
    admin.wait_for_load_state()
    _no_error_page(admin)

    writers = [person[1] for person in PEOPLE[:3]]
    for n, email in enumerate(writers):
        page = _participant_login(journey, email)
        if n == 0:
            journey.shot(page, "participant-portal-attendance")
        page.click("main a:has-text('RTL')")
        page.wait_for_url("**/peserta/rtl/*")
        _write_rtl(page, journey)
        if n == 0:
            journey.shot(page, "participant-rtl-form-filled")
        page.click("main button:has-text('Ajukan RTL')")
        page.wait_for_load_state()
        _no_error_page(page)
        assert "sedang ditinjau reviewer" in page.locator("main").inner_text()
    journey.shot(page, "participant-rtl-submitted")

    reviewer = _staff_login(journey, "reviewer", "reviewer@dkpus.example.id")
    reviewer.goto(journey.manage("/rtl"))
    journey.shot(reviewer, "reviewer-rtl-queue")
    reviewer.locator("main tr", has_text=PEOPLE[0][0]).locator("a:has-text('Tinjau')").click()
    reviewer.fill("#note", "Indikator kegiatan 2 perlu angka sasaran yang terukur.")
    reviewer.locator("textarea[id^='row_note-']").nth(1).fill("Sebutkan jumlah warga yang ditargetkan.")
    journey.shot(reviewer, "reviewer-requests-revision")
    reviewer.click("main button:has-text('Minta revisi')")
    reviewer.wait_for_load_state()
    _no_error_page(reviewer)

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
    _no_error_page(reviewer)
    queue = reviewer.locator("main table").inner_text()
    assert queue.count("Disetujui") >= 3, queue
    journey.shot(reviewer, "reviewer-queue-all-approved")

    page.goto(journey.url("/peserta"))
    page.click("main a:has-text('RTL')")
    assert "RTL Anda sudah disetujui" in page.locator("main").inner_text()
    journey.shot(page, "participant-rtl-approved")


# --- 5. the penandatangan bulk-issues certificates and watches the progress bar --------------------------

def test_05_penandatangan_bulk_issues_certificates_and_watches_progress(journey):
    page = _staff_login(journey, "ttd", "ttd@dkpus.example.id")
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
    assert "Pengaturan sertifikat disimpan" in _flash(page)
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
    _no_error_page(page)
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
    assert "dicabut" in _flash(ttd)

    public.goto(verify_url)
    text = public.locator("main").inner_text()
    assert "Sertifikat dicabut." in text and reason in text
    journey.shot(public, "public-verify-page-revoked-phone")


# --- phone width (390 × 844): the pages people open on their phones -------------------------------------

def test_07_phone_width_pass_over_key_pages(journey):
    phone = journey.page("phone-participant", width=390, height=844)
    phone.goto(journey.url("/"))
    journey.shot(phone, "phone-home")
    phone.goto(journey.url(f"/pelatihan/{journey.training_id}"))
    journey.shot(phone, "phone-training-page")
    phone.goto(journey.url(f"/pelatihan/{journey.training_id}/daftar"))
    journey.shot(phone, "phone-registration-form")
    phone.goto(journey.url("/peserta/masuk"))
    journey.shot(phone, "phone-participant-login")
    _participant_login(journey, PEOPLE[1][1], page=phone)
    journey.shot(phone, "phone-participant-portal")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the portal scrolls sideways on a phone ({width}px)"
    phone.click("main a:has-text('RTL')")
    journey.shot(phone, "phone-participant-rtl")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"

    staff = journey.page("phone-panitia", width=390, height=844)
    staff.goto(journey.url("/akun/masuk"))
    journey.shot(staff, "phone-staff-login")
    staff.fill("input[name=email]", "panitia@dkpus.example.id")
    staff.fill("input[name=password]", PASSWORD)
    staff.click("main button[type=submit]")
    staff.wait_for_url("**/kelola")
    staff.goto(journey.manage("/peserta"))
    journey.shot(staff, "phone-panitia-roster")
    staff.goto(journey.manage("/kehadiran"))
    journey.shot(staff, "phone-panitia-attendance")
    staff.click("label.nav-toggle-label")
    journey.shot(staff, "phone-menu-open")
