"""Every e-mail's Subject reads back exactly as written (issue 14: the certificate e-mail's subject had a double
space): Python 3.11's header folder adds a space before an encoded word that starts a line, drops the space
between two encoded words, and fails on a short non-ASCII subject in the bulk path."""
import email
import email.policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from bimtek.mail import services as mail
from bimtek.mail.models import OutboxMessage
from tests.factories import make_registration, make_training


class Anything:
    """Stands in for every template variable: any attribute, item, call or (empty) loop works."""

    def __getattr__(self, name):
        return self

    def __getitem__(self, key):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __iter__(self):
        return iter(())

    def __str__(self):
        return "x"

    def __bool__(self):  # optional parts ({% if settings.closes_at %}) are left out
        return False

TEMPLATES = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "templates/emails").glob("*.txt"))
SUBJECTS = [
    "Sertifikat Bimtek Literasi Inklusi Sosial Kepulauan Bangka Belitung Literasi — Belitung II – Sertifikat",
    "Sertifikat Bimtek Literasi Desa Perpustakaan “TPBIS” “TPBIS” Kepulauan II",
    "Sertifikat Bimtek — Literasi",
    "Pengingat RTL — Bimtek  Penguatan Literasi   ",
    "Pendaftaran SPP2020-0001 diterima — Bimbingan Teknis Strategi Pengembangan Perpustakaan Desa Berbasis Inklusi "
    "Sosial Angkatan II Tahun 2020 di Pangkalpinang, Provinsi Kepulauan Bangka Belitung",
]


def _context(app, template):
    """Every variable the e-mail templates (text and HTML) use, as Anything."""
    from jinja2 import meta

    names = set()
    for suffix in ("txt", "html"):
        try:
            source = app.jinja_env.loader.get_source(app.jinja_env, f"emails/{template}.{suffix}")[0]
        except Exception:  # noqa: BLE001 - no HTML part
            continue
        names |= meta.find_undeclared_variables(app.jinja_env.parse(source))
    context = {name: Anything() for name in names if name not in app.jinja_env.globals}
    training = make_training()
    real = {"training": training, "registration": make_registration(training), "session": training.sessions[0],
            "days": [], "event": "received", "kind": "reminder"}
    return {**context, **{name: value for name, value in real.items() if name in context}}


def _subject(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)["Subject"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_mail_subject_reads_back_as_written(app, db, template):
    context = _context(app, template)
    db.session.commit()
    with app.test_request_context():
        for subject in SUBJECTS:
            mail.queue_mail("budi@contoh.id", subject, template, **context)
            mail.queue_bulk([("budi@contoh.id", subject, template, context)])
    db.session.commit()
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == "budi@contoh.id")
                              .order_by(OutboxMessage.id)).all()
    assert len(rows) == 2 * len(SUBJECTS)
    for row, subject in zip(rows, [s for s in SUBJECTS for _ in range(2)]):
        expected = " ".join(subject.split())
        assert row.subject == expected and _subject(row.raw) == expected, (template, row.raw[:400])
        assert "  " not in _subject(row.raw) and _subject(row.raw) == _subject(row.raw).strip()
        assert max(len(line) for line in row.raw.split(b"\n")[:12]) <= 78  # headers stay folded
