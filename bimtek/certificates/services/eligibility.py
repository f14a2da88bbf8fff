"""Who may get a certificate (read only): attendance verdict + approved RTL when required + the evaluation parts
the training asks for (post-test, questionnaire), the rows of the certificate page and each registration's
current certificate.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.action_plans.services import rtl_status_for, rtl_statuses_for_training, settings_for as rtl_settings_for
from bimtek.attendance.services import attendance_verdict_for, verdicts_for, verdicts_for_training
from bimtek.certificates.models import Certificate, CertStatus
from bimtek.certificates.services.verifying import verification_counts
from bimtek.core.messages import N_, Message, as_message
from bimtek.core.paging import Page
from bimtek.evaluation.services import evaluation_status_for, evaluation_statuses_for_training, gate_requirements
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status

if TYPE_CHECKING:
    from bimtek.attendance.rules import Verdict
    from bimtek.trainings.models import Training


@dataclass(frozen=True)
class Eligibility:
    """Whether a registration may get a certificate, and which part is missing."""

    registered: bool
    attendance_ok: bool
    attendance_reason: str
    rtl_ok: bool
    rtl_reason: str
    rtl_required: bool = True
    evaluation_missing: tuple = ()  # e.g. ("Post-test belum dikerjakan",) when the training requires it
    evaluation_required: tuple = ()  # e.g. ("post-test dikerjakan",) for the explanation of the rule

    @property
    def ok(self) -> bool:
        return self.registered and self.attendance_ok and self.rtl_ok and not self.evaluation_missing

    @property
    def missing(self) -> list[str]:
        """Sentences naming each missing part, for participants and organizers (Messages: pages show them |tr)."""
        if not self.registered:  # attendance and RTL are not assessed for someone without a seat
            return [Message(N_("Status pendaftaran Anda bukan Terdaftar."))]
        out = []
        if not self.attendance_ok:
            out.append(Message(N_("Kehadiran belum memenuhi syarat: %(reason)s."), reason=self.attendance_reason)
                       if self.attendance_reason else Message(N_("Kehadiran belum memenuhi syarat.")))
        if not self.rtl_ok:
            out.append(as_message(self.rtl_reason) + ".")
        out.extend(as_message(reason) + "." for reason in self.evaluation_missing)  # evaluation's msgids
        return out


def eligibility_for(registration: Any, verdict: Verdict | None = None, rtl: tuple[bool, str] | None = None,
                    required: bool | None = None,
                    evaluation: tuple[bool, list[str], tuple[str, ...]] | None = None) -> Eligibility:
    """Eligibility of one registration = attendance verdict + (when required) approved RTL + evaluation parts.

    Bulk callers pass the precomputed verdict, RTL status, `required` flag and evaluation (ok, missing, required).
    """
    registered = registration.status == Status.REGISTERED.value and registration.anonymized_at is None
    if verdict is None and registered:
        verdict = attendance_verdict_for(registration)
    rtl_ok, rtl_reason = rtl if rtl is not None else rtl_status_for(registration)
    if required is None:
        required = rtl_settings_for(registration.training).required_for_certificate
    if evaluation is None:
        evaluation = (*evaluation_status_for(registration), gate_requirements(registration.training))
    return Eligibility(registered, bool(verdict and verdict.passed), verdict.reason if verdict else "",
                       rtl_ok, rtl_reason, bool(required), tuple(evaluation[1]), tuple(evaluation[2]))


def eligible_ids(training: Training, among: Collection[int] | None = None, chunk: int = 1000,
                 rtl: Mapping[int, tuple[bool, str]] | None = None) -> list[int]:
    """Ids of registrations eligible now that have no certificate yet, in registration order (`among`: only
    these; `rtl`: rtl_statuses_for_training's result, if the caller has it). Verdicts are computed per chunk of
    ids: memory stays flat with 8,000 participants and more."""
    has_cert = set(db.session.scalars(sa.select(Certificate.registration_id).where(
        Certificate.training_id == training.id, Certificate.registration_id.is_not(None))))
    registered = sa.select(Registration.id, Registration.status, Registration.anonymized_at).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value,
        Registration.anonymized_at.is_(None)).order_by(Registration.seq)
    rows = [row for row in db.session.execute(registered)
            if row.id not in has_cert and (among is None or row.id in among)]
    rtl = rtl_statuses_for_training(training) if rtl is None else rtl
    required = rtl_settings_for(training).required_for_certificate
    evaluation = evaluation_statuses_for_training(training, [row.id for row in rows])
    eligible = []
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        verdicts = verdicts_for(training, [row.id for row in part])
        eligible.extend(row.id for row in part if eligibility_for(
            row, verdicts[row.id], rtl[row.id], required, (*evaluation[row.id], ())).ok)
    return eligible


@dataclass
class Row:
    """One registered participant on the certificate page."""

    registration: Any  # a Registration, or (training_rows) a plain row of its id, number, names and status
    eligibility: Eligibility
    certificate: Certificate | None
    verifications: int = 0
    in_bulk: bool = False  # among the bulk job's targets (eligible, no certificate yet, not even a revoked one)


def training_rows(training: Training, verdicts: Mapping[int, Verdict] | None = None) -> list[Row]:
    """Every registered participant with eligibility, current certificate and verification count (`verdicts`:
    verdicts_for_training's result, when the caller already has it)."""
    verdicts = verdicts_for_training(training) if verdicts is None else verdicts
    registrations = db.session.execute(sa.select(  # plain rows with what eligibility and the report read
        Registration.id, Registration.number, Registration.nama_lengkap, Registration.instansi, Registration.status,
        Registration.anonymized_at).where(Registration.id.in_(list(verdicts))).order_by(Registration.seq)).all()
    current = current_certificates(training)
    counts = verification_counts(training)
    rtl, required = rtl_statuses_for_training(training), rtl_settings_for(training).required_for_certificate
    evaluation, parts = evaluation_statuses_for_training(training, list(verdicts)), gate_requirements(training)
    rows = []
    for registration in registrations:
        cert = current.get(registration.id)
        eligibility = eligibility_for(registration, verdicts[registration.id], rtl[registration.id], required,
                                      (*evaluation[registration.id], parts))
        rows.append(Row(registration, eligibility, cert, counts.get(cert.id, 0) if cert else 0))
    return rows


@dataclass
class CertificatePage:
    """One page of the certificate table, and the counts over every registered participant."""

    rows: list
    page: Page
    eligible: int
    issued: int
    verifications: int


CERTIFICATE_STATES = ("siap", "terbit", "belum")  # ready to issue / valid certificate / not eligible yet


def training_page(training: Training, page: int | str | None = None, text: str = "",
                  state: str = "") -> CertificatePage:
    """CertificatePage: counts from plain tuples over everyone; full rows only for the page shown (filtered by
    name/number `text` and `state`)."""
    people = db.session.execute(sa.select(
        Registration.id, Registration.number, Registration.nama_lengkap, Registration.anonymized_at).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value)
        .order_by(Registration.seq)).all()
    certificates = _current_certificate_states(training)
    counts = verification_counts(training)
    rtl, required = rtl_statuses_for_training(training), rtl_settings_for(training).required_for_certificate
    ready = set(eligible_ids(training, rtl=rtl))  # the bulk job's own targets: its button's count is what it does
    states, totals = {}, {"eligible": len(ready), "issued": 0, "verifications": 0}
    for person in people:
        certificate_id, valid = certificates.get(person.id, (None, False))
        states[person.id] = "terbit" if valid else ("siap" if person.id in ready else "belum")
        totals["issued"] += valid
        totals["verifications"] += counts.get(certificate_id, 0)
    wanted = text.strip().casefold()
    shown = [p for p in people if (not state or states[p.id] == state)
             and (not wanted or wanted in p.nama_lengkap.casefold() or wanted in p.number.casefold())]
    page = Page.of(page, len(shown))
    verdicts = verdicts_for(training, [p.id for p in page.slice(shown)])
    rows = _page_rows(training, page.slice(shown), verdicts, rtl, required, certificates, counts)
    for row in rows:
        row.in_bulk = row.registration.id in ready
    return CertificatePage(rows, page, **totals)


def _current_certificate_states(training: Training) -> dict[int, tuple[int, bool]]:
    """{registration id: (current certificate id, valid?)} from (id, registration, status) tuples."""
    found = {}
    for cert_id, registration_id, status in db.session.execute(sa.select(
            Certificate.id, Certificate.registration_id, Certificate.status).where(
            Certificate.training_id == training.id, Certificate.status != CertStatus.REPLACED.value)
            .order_by(Certificate.seq)):
        if registration_id is not None:
            found[registration_id] = (cert_id, status == CertStatus.VALID.value)
    return found


def _page_rows(training: Training, shown: Sequence[Any], verdicts: Mapping[int, Verdict],
               rtl: Mapping[int, tuple[bool, str]], required: bool, certificates: Mapping[int, tuple[int, bool]],
               counts: Mapping[int, int]) -> list[Row]:
    ids = [p.id for p in shown]
    registrations = {r.id: r for r in db.session.scalars(sa.select(Registration).where(Registration.id.in_(ids)))}
    cert_ids = [certificates[i][0] for i in ids if i in certificates]
    certs = {c.id: c for c in db.session.scalars(sa.select(Certificate).where(Certificate.id.in_(cert_ids))
                                                 .options(orm.defer(Certificate.snapshot)))}
    rows = []
    for rid in ids:
        registration, cert = registrations[rid], certs.get(certificates.get(rid, (None,))[0])
        eligibility = eligibility_for(registration, verdicts[rid], rtl[rid], required)
        rows.append(Row(registration, eligibility, cert, counts.get(cert.id, 0) if cert else 0))
    return rows


def current_certificates(training: Training) -> dict[int, Certificate]:
    """{registration id: its newest valid or revoked certificate} (replaced ones have a successor)."""
    found = {}
    for cert in db.session.scalars(sa.select(Certificate).where(  # the snapshot (JSON) loads only when read
            Certificate.training_id == training.id, Certificate.status != CertStatus.REPLACED.value)
            .order_by(Certificate.seq).options(orm.defer(Certificate.snapshot))):
        if cert.registration_id is not None:
            found[cert.registration_id] = cert
    return found


def certificate_of(registration: Registration) -> Certificate | None:
    """The registration's current (valid, else latest revoked) certificate, or None."""
    certs = db.session.scalars(sa.select(Certificate).where(
        Certificate.registration_id == registration.id, Certificate.status != CertStatus.REPLACED.value)
        .order_by(Certificate.seq.desc())).all()
    return next((c for c in certs if c.is_valid), certs[0] if certs else None)
