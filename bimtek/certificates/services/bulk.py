"""Bulk issue, the database side (flush only; the job in `certificates.tasks` commits).

Plain rows, never a session full of ORM objects: the targets come back as ids, the people of a batch as
tuples, and a batch's certificates, file rows and e-mails are each one INSERT. (A session holding thousands of
objects makes every commit expire all of them: the cost per certificate then grows with the batch.)
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.certificates.models import Certificate, CertificateFile, CertStatus
from bimtek.certificates.services.eligibility import eligible_ids  # noqa: F401 (the job and the page share it)
from bimtek.certificates.services.issuing import plan_certificate
from bimtek.extensions import db
from bimtek.mail.services import absolute_url, queue_bulk
from bimtek.registration.models import Registration

if TYPE_CHECKING:
    from bimtek.certificates.models import CertificateSettings
    from bimtek.trainings.models import Training

PERSON_COLUMNS = (Registration.id, Registration.nama_lengkap, Registration.nip, Registration.instansi,
                  Registration.number, Registration.email, Registration.anonymized_at)


@dataclass
class Planned:
    """One certificate about to be issued: its person (a row), code and frozen snapshot."""

    person: object
    code: str
    snapshot: dict

    @property
    def seq(self) -> int:
        return self.snapshot["seq"]


def registrations_with_certificate(training: Training, registration_ids: Iterable[int]) -> set[int]:
    return set(db.session.scalars(sa.select(Certificate.registration_id).where(
        Certificate.training_id == training.id, Certificate.registration_id.in_(registration_ids))))


def issued_seqs(training: Training, first: int, last: int) -> set[int]:
    """Sequence numbers between first and last (inclusive) that already have a certificate."""
    return set(db.session.scalars(sa.select(Certificate.seq).where(
        Certificate.training_id == training.id, Certificate.seq.between(first, last))))


def count_issued(training: Training, first: int, last: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(
        Certificate.training_id == training.id, Certificate.seq.between(first, last)))


def people(registration_ids: Iterable[int]) -> dict[int, sa.Row[Any]]:
    """{registration id: row of PERSON_COLUMNS} for one batch."""
    return {row.id: row for row in db.session.execute(
        sa.select(*PERSON_COLUMNS).where(Registration.id.in_(registration_ids)))}


def plan_batch(training: Training, settings: CertificateSettings, shared: dict[str, Any],
               pending: Iterable[tuple[int, int]]) -> list[Planned]:
    """Planned certificates for [(seq, registration id)] whose registration still exists."""
    rows = people([rid for _, rid in pending])
    return [Planned(rows[rid], *plan_certificate(training, settings, shared, rows[rid], seq))
            for seq, rid in pending if rid in rows]


def insert_batch(actor_id: int | None, training_id: int, stored: Sequence[tuple[Planned, str, int]],
                 now: datetime) -> list[int]:
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


def _mailable(item: Planned) -> bool:
    return item.person.anonymized_at is None and bool(item.person.email)


def _certificate_row(actor_id: int | None, training_id: int, item: Planned, digest: str, size: int,
                     now: datetime) -> dict[str, Any]:
    return {"training_id": training_id, "registration_id": item.person.id, "seq": item.seq,
            "number": item.snapshot["number"], "code": item.code, "status": CertStatus.VALID.value,
            "snapshot": item.snapshot, "name": item.snapshot["person"]["name"], "sha256": digest,
            "original_sha256": digest, "size": size, "issued_at": now, "issued_by_id": actor_id,
            "revoked_reason": "", "emailed_at": now if _mailable(item) else None}


def _mail(item: Planned, certificate_id: int, portal_url: str) -> tuple[str, str, str, dict[str, Any]]:
    """The 'certificate issued' e-mail (the template queue_mail renders for a single issue)."""
    snapshot = item.snapshot
    certificate = SimpleNamespace(snapshot=snapshot, number=snapshot["number"])
    return (item.person.email, f"Sertifikat {snapshot['training']['name']}", "certificate_issued",
            {"certificate": certificate, "registration": item.person, "verify_url": snapshot["verify_url"],
             "download_url": absolute_url("certificates.download", certificate_id=certificate_id),
             "portal_url": portal_url})
