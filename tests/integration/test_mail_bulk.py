"""queue_bulk (bulk jobs): one INSERT for many messages, each reading exactly as queue_mail's would."""
import email
import email.policy
from types import SimpleNamespace

import sqlalchemy as sa

from bimtek.mail import services as mail
from bimtek.mail.models import OutboxMessage

LONG_SUBJECT = ("Sertifikat Bimbingan Teknis Strategi Pengembangan Perpustakaan dan TIK (SPP-TIK) Program TPBIS "
                "Tahun 2024 – Zoë")


def _context(name):
    snapshot = {"training": {"name": "Pelatihan Uji – Łódź", "dates_text": "21–23 Juli 2020", "total_jp": 30,
                             "unit_name": "Dinas Perpustakaan"}}
    return {"certificate": SimpleNamespace(snapshot=snapshot, number="800/001/DKPUS/2020"),
            "registration": SimpleNamespace(nama_lengkap=name), "download_url": "http://localhost/sertifikat/1/unduh",
            "portal_url": "http://localhost/peserta", "verify_url": "http://localhost/v/abc"}


def _parsed(raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return (message["From"], message["To"], message["Subject"], message.get_body(("plain",)).get_content())


def test_bulk_messages_read_like_single_ones(app, db):
    names = ["Zoë Łukasiewicz Núñez, S.Kom.", "Budi  Santoso =trailing  "]
    with app.test_request_context():
        for name in names:
            mail.queue_mail(f"{name[:4].lower().strip()}@contoh.id", LONG_SUBJECT, "certificate_issued",
                            **_context(name))
        assert mail.queue_bulk([(f"{name[:4].lower().strip()}@contoh.id", LONG_SUBJECT, "certificate_issued",
                                 _context(name)) for name in names]) == 2
    db.session.commit()
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    single, bulk = rows[:2], rows[2:]
    for one, other in zip(single, bulk):
        assert _parsed(one.raw) == _parsed(other.raw)
        assert (other.recipient, other.subject, other.status) == (one.recipient, one.subject, "pending")
    assert _parsed(bulk[0].raw)[2] == LONG_SUBJECT
    assert max(len(line) for line in bulk[0].raw.split(b"\n")) <= 78  # folded and quoted-printable


def test_an_unusual_address_goes_through_the_full_builder(app, db):
    with app.test_request_context():
        mail.queue_bulk([("Budi Santoso <budi@contoh.id>", "Uji", "certificate_issued", _context("Budi"))])
    db.session.commit()
    raw = db.session.scalar(sa.select(OutboxMessage.raw))
    assert _parsed(raw)[1] == "Budi Santoso <budi@contoh.id>"
