"""Bulk issue, the database side (flush only; the job in `certificates.tasks` commits).

Plain rows, never a session full of ORM objects: the targets come back as ids, the people of a batch as
tuples, and a batch's certificates, file rows and e-mails are each one INSERT. (A session holding thousands of
objects makes every commit expire all of them: the cost per certificate then grows with the batch.)
"""
from dataclasses import dataclass
from types import SimpleNamespace

import sqlalchemy as sa

from bimtek.certificates.models import Certificate, CertificateFile, CertStatus
from bimtek.certificates.services.eligibility import eligible_ids  # noqa: F401 (the job and the page share it)
from bimtek.certificates.services.issuing import plan_certificate
from bimtek.extensions import db
from bimtek.mail.services import absolute_url, queue_bulk
from bimtek.registration.models import Registration

PERSON_COLUMNS = (Registration.id, Registration.nama_lengkap, Registration.nip, Registration.instansi,
                  Registration.number, Registration.email, Registration.anonymized_at)


@dataclass
class Planned:
    """One certificate about to be issued: its person (a row), code and frozen snapshot."""

    person: object
    code: str
    snapshot: dict

    @property
    def seq(self):
        return self.snapshot["seq"]


def registrations_with_certificate(training, registration_ids):
    return set(db.session.scalars(sa.select(Certificate.registration_id).where(
        Certificate.training_id == training.id, Certificate.registration_id.in_(registration_ids))))


def issued_seqs(training, first, last):
    """Sequence numbers between first and last (inclusive) that already have a certificate."""
    return set(db.session.scalars(sa.select(Certificate.seq).where(
        Certificate.training_id == training.id, Certificate.seq.between(first, last))))


def count_issued(training, first, last):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(
        Certificate.training_id == training.id, Certificate.seq.between(first, last)))


def people(registration_ids):
    """{registration id: row of PERSON_COLUMNS} for one batch."""
    return {row.id: row for row in db.session.execute(
        sa.select(*PERSON_COLUMNS).where(Registration.id.in_(registration_ids)))}


def plan_batch(training, settings, shared, pending):
    """Planned certificates for [(seq, registration id)] whose registration still exists."""
    rows = people([rid for _, rid in pending])
    return [Planned(rows[rid], *plan_certificate(training, settings, shared, rows[rid], seq))
            for seq, rid in pending if rid in rows]


def insert_batch(actor_id, training_id, stored, now):
    """Certificates, their file rows and their e-mails for [(Planned, sha256, size)]: one INSERT each."""
    certificate_ids = db.session.scalars(sa.insert(Certificate).returning(Certificate.id, sort_by_parameter_order=True),
                                         [_certificate_row(actor_id, training_id, item, digest, size, now)
                                          for item, digest, size in stored]).all()
    db.session.execute(sa.insert(CertificateFile), [
        {"certificate_id": cid, "kind": "issued", "sha256": digest, "size": size, "filename": "", "created_at": now,
         "created_by_id": actor_id} for cid, (_, digest, size) in zip(certificate_ids, stored)])
    portal_url = absolute_url("registration.portal")
    queue_bulk([_mail(item, cid, portal_url) for cid, (item, _, _) in zip(certificate_ids, stored) if _mailable(item)])
    return certificate_ids


def _mailable(item):
    return item.person.anonymized_at is None and bool(item.person.email)


def _certificate_row(actor_id, training_id, item, digest, size, now):
    return {"training_id": training_id, "registration_id": item.person.id, "seq": item.seq,
            "number": item.snapshot["number"], "code": item.code, "status": CertStatus.VALID.value,
            "snapshot": item.snapshot, "name": item.snapshot["person"]["name"], "sha256": digest,
            "original_sha256": digest, "size": size, "issued_at": now, "issued_by_id": actor_id,
            "revoked_reason": "", "emailed_at": now if _mailable(item) else None}


def _mail(item, certificate_id, portal_url):
    """The 'certificate issued' e-mail (the template queue_mail renders for a single issue)."""
    snapshot = item.snapshot
    certificate = SimpleNamespace(snapshot=snapshot, number=snapshot["number"])
    return (item.person.email, f"Sertifikat {snapshot['training']['name']}", "certificate_issued",
            {"certificate": certificate, "registration": item.person, "verify_url": snapshot["verify_url"],
             "download_url": absolute_url("certificates.download", certificate_id=certificate_id),
             "portal_url": portal_url})
