"""English mode leaves no Indonesian interface text behind (issue 14).

The demo is seeded, then every GET page of the URL map is requested as an organizer (the demo admin), as a
participant (one with a certificate and an RTL) and anonymously, each client switched to English the way the
EN button does it. Every HTML answer's visible text (and the attributes a user reads: title, placeholder,
aria-label, alt, data-confirm) is searched for common Indonesian interface words, after removing the data the
seed stored (training names, people, materi …): those stay as typed.
"""
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from bimtek import demo
from bimtek.accounts import services as accounts
from bimtek.action_plans.models import ActionPlan
from bimtek.announcements import services as announcements
from bimtek.announcements.audience import AudienceFilter
from bimtek.announcements.models import Announcement
from bimtek.certificates.models import Certificate
from bimtek.jobs import services as jobs
from bimtek.jobs.models import Job
from bimtek.registration.models import Registration
from bimtek.trainings.models import Training
from tests.factories import sign_in
from tests.integration.test_i18n import compiled_catalog  # noqa: F401  (autouse: the .mo from messages.po)

# Unambiguous Indonesian interface words (whole words, any case): none is an English word.
INDONESIAN = ("Simpan", "Batal", "Hadir", "sesi", "Peserta", "Pelatihan", "Kembali", "Terbitkan", "Unduh",
              "belum", "dari", "memenuhi syarat", "yang", "tidak", "untuk", "dengan", "Kehadiran", "Sertifikat",
              "Pengaturan", "Hapus", "Tambah", "baris", "menit", "Juli", "Agustus", "Desember", "Senin", "Selasa",
              "Rabu", "Kamis", "Jumat", "pukul", "Sudah", "Tidak ada", "Lihat", "Kirim", "Ubah")
WORDS = re.compile(r"\b(" + "|".join(re.escape(w) for w in INDONESIAN) + r")\b", re.IGNORECASE)
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "data-confirm"}
# Pages the walk must reach (organizer, participant and public ones), so it cannot pass by seeing nothing.
MUST_SEE = {"attendance.overview", "attendance.show_session", "certificates.manage", "action_plans.queue",
            "trainings.audit_log", "announcements.show", "announcements.whatsapp", "jobs.show_job",
            "registration.portal", "action_plans.edit_plan", "evaluation.take_test", "registration.register",
            "certificates.verify", "trainings.show"}
# Files, JSON and one-time links: not pages.
NOT_PAGES = re.compile(r"\.(json|xlsx|csv|pdf|docx|zip|ics|svg|eml)$|<fmt>|<path:|/unduh$|/lampiran$|/t/<token>"
                       r"|/sandi-baru/|/sehat$|/bahan/<int:material_id>$")
URL = re.compile(r"https?://\S+")  # links shown as text (the check-in address) are not words
CODE_LIKE = re.compile(r"^[a-z0-9_.\-:/@]*$")  # status codes, keys, e-mails: not display data
DATE_TEXT = re.compile(r"\d+\s*(Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|"
                       r"Desember)")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        self.parts.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html):
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def stored_data(db):
    """Every display string the seed stored (longest first), except codes and frozen Indonesian dates."""
    found = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text, sa.JSON))]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for value in row:
                found.update(s.strip() for s in _strings(value))
    return sorted((s for s in found if len(s) > 2 and not CODE_LIKE.match(s) and not DATE_TEXT.search(s)),
                  key=len, reverse=True)


def leftovers(html, data):
    text = URL.sub(" ", visible_text(html))
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return sorted({match.group(0) for match in WORDS.finditer(text)})


def _english_client(app, user=None):
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    client.post("/bahasa/en", data={"next": "/"})
    return client


def _arguments(db):
    training = db.session.scalar(sa.select(Training).where(Training.code == "SPP2020"))
    certificate = db.session.scalars(sa.select(Certificate).where(Certificate.training_id == training.id)
                                     .order_by(Certificate.id)).first()
    registration = db.session.get(Registration, certificate.registration_id)
    plan = db.session.scalars(sa.select(ActionPlan).join(Registration, ActionPlan.registration_id == Registration.id)
                              .where(Registration.training_id == training.id).order_by(ActionPlan.id)).first()
    job = db.session.scalars(sa.select(Job).order_by(Job.id)).first()
    announcement = db.session.scalars(sa.select(Announcement).order_by(Announcement.id)).first()
    values = {"training_id": training.id, "session_id": training.sessions[0].id, "registration_id": registration.id,
              "certificate_id": certificate.id, "code": certificate.code, "kind": "pre",
              "plan_id": plan.id if plan else None, "job_id": job.id if job else None,
              "announcement_id": announcement.id if announcement else None}
    return values, registration


def _paths(app, values):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static" or NOT_PAGES.search(rule.rule):
            continue
        if any(values.get(argument) is None for argument in rule.arguments):
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?" + argument + ">", str(values[argument]), path)
        yield rule.endpoint, path


def _arguments_of(app, endpoint):
    """The URL arguments of an endpoint."""
    return {argument for rule in app.url_map.iter_rules(endpoint) for argument in rule.arguments}


@pytest.fixture
def seeded(app, db):
    """The demo, plus what it lacks for some pages: an announcement and a queued job."""
    demo.seed("demo-password-123")
    admin = accounts.find_by_email("admin@dkpus.example.id")
    training = db.session.scalar(sa.select(Training).where(Training.code == "SPP2020"))
    announcements.send_announcement(admin, training, "Jadwal hari kedua", "Salam, Bapak/Ibu {nama}.",
                                    AudienceFilter())
    jobs.enqueue("certificates.issue_all", admin, training.id)
    db.session.commit()
    return db


def test_every_page_in_english_has_no_indonesian_interface_words(app, seeded):
    db = seeded
    values, registration = _arguments(db)
    admin = accounts.find_by_email("admin@dkpus.example.id")
    clients = {"organizer": _english_client(app, admin),
               "participant": _english_client(app, registration.user),
               "public": _english_client(app)}
    data = stored_data(db)
    found, checked = {}, set()
    upcoming = db.session.scalar(sa.select(Training).where(Training.code == "SPP2027"))
    upcoming_values = {**values, "training_id": upcoming.id, "session_id": upcoming.sessions[0].id}
    public_pages = [(endpoint, path) for endpoint, path in _paths(app, upcoming_values)  # registration is open
                    if not path.startswith("/kelola") and "training_id" in _arguments_of(app, endpoint)]
    for endpoint, path in [*_paths(app, values), *public_pages]:
        for role, client in clients.items():
            response = client.get(path)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            checked.add(endpoint)
            words = leftovers(response.get_data(as_text=True), data)
            if words:
                found[f"{role} {path}"] = words
    assert len(checked) >= 45 and MUST_SEE <= checked, sorted(checked)
    assert found == {}
    verify = clients["public"].get(f"/v/{values['code']}").get_data(as_text=True)
    assert "21–23 July 2020" in verify and "Juli" not in verify  # the certificate's frozen dates, relocalized
    assert "<dt>Training</dt>" in verify  # one training: the field label is not the menu's "Trainings"


def test_the_walk_sees_interface_words_and_ignores_stored_data():
    page = ('<p title="Simpan data">Bimtek Strategi</p><script>var x = "Batal";</script>'
            '<td>Pelatihan Desa</td><button data-confirm="Hapus?">Delete</button>')
    assert leftovers(page, ["Pelatihan Desa"]) == ["Hapus", "Simpan"]
