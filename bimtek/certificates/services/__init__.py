"""Certificate services: settings, eligibility, numbering under lock, issuing with a frozen snapshot,
re-issue, revocation, verification, ZIP export, external (BSrE TTE) signing and the bulk job.

Everything flushes only; views, the CLI and the bulk job commit. The bulk job is the exception that
proves the rule: it is its own outer edge and commits once per certificate.
"""
import io
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from PIL import Image, UnidentifiedImageError

from bimtek.action_plans.services import rtl_status_for, rtl_statuses_for_training
from bimtek.action_plans.services import settings_for as rtl_settings_for
from bimtek.attendance.services import attendance_verdict_for, freeze_rule, verdicts_for_training
from bimtek.audit.services import record
from bimtek.certificates import archive, numbering, verification
from bimtek.certificates.design import load_design
from bimtek.certificates.models import CertificateFile, CertificateSettings, Certificate, CertStatus, Verification
from bimtek.certificates.rendering import BatchRenderer, render_pdf
from bimtek.core.dates import place_date_line
from bimtek.core.errors import DomainError, NotFoundError, ValidationError
from bimtek.mail.services import absolute_url, queue_mail
from bimtek.core.models import now_utc
from bimtek.core.filerefs import release_files
from bimtek.core.storage import app_storage
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status

JOB_ISSUE_ALL = "certificates.issue_all"
IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_MAX_SIDE = 4000
SIGNED_MAX_BYTES = 15 * 1024 * 1024


# --- settings -----------------------------------------------------------------------------------------

def settings_for(training):
    """The training's certificate settings (an unsaved default when none are stored yet)."""
    found = db.session.scalar(sa.select(CertificateSettings).where(CertificateSettings.training_id == training.id))
    return found or CertificateSettings(training_id=training.id, number_template="800/{nomor}/{unit}/{tahun}",
                                        last_seq=0, place=training.city or "", design="default",
                                        signer_jabatan="", signer_name="", signer_pangkat="", signer_nip="")


def design_choices():
    """[(folder name, design name)] of the design folders under CERTIFICATE_DESIGNS_DIR."""
    root = Path(current_app.config["CERTIFICATE_DESIGNS_DIR"])
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and (p / "design.toml").is_file()):
        try:
            found.append((folder.name, load_design(folder).name))
        except DomainError:
            continue
    return found


def design_dir(name):
    """Path of a design folder by name (only names listed by design_choices are accepted)."""
    if name not in dict(design_choices()):
        raise ValidationError("Desain sertifikat tidak ditemukan.", field="design")
    return Path(current_app.config["CERTIFICATE_DESIGNS_DIR"]) / name


def check_image(data, label):
    """Raise ValidationError unless ``data`` is a PNG or JPEG (by content) within the size limits."""
    if len(data) > IMAGE_MAX_BYTES:
        raise ValidationError(f"{label} terlalu besar (maksimal 2 MB).", field="image")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(f"{label} harus berupa gambar PNG atau JPEG.", field="image") from None
    if kind not in ("PNG", "JPEG"):
        raise ValidationError(f"{label} harus berupa gambar PNG atau JPEG.", field="image")
    if max(size) > IMAGE_MAX_SIDE:
        raise ValidationError(f"{label} terlalu besar (maksimal {IMAGE_MAX_SIDE} piksel per sisi).", field="image")


def save_settings(actor, training, values, signature=None, stamp=None):
    """Store the settings (validated template, images checked by content); audited."""
    settings = settings_for(training)
    values = dict(values)
    values["number_template"] = numbering.validate_template(values["number_template"])
    design_dir(values.get("design") or "default")
    for key, value in values.items():
        setattr(settings, key, value.strip() if isinstance(value, str) else value)
    storage = app_storage()
    for attr, data, label in (("signature_sha256", signature, "Tanda tangan"), ("stamp_sha256", stamp, "Stempel")):
        if data:
            check_image(data, label)
            previous = getattr(settings, attr)
            setattr(settings, attr, storage.put(data))
            release_files([previous] if previous != getattr(settings, attr) else [])
    if settings.id is None:
        db.session.add(settings)
    db.session.flush()
    record(actor, "certificate.settings", settings, training_id=training.id,
           summary="Mengubah pengaturan sertifikat", number_template=settings.number_template)
    return settings


def remove_image(actor, training, which):
    """Drop the signature or stamp image from the settings (the stored blob stays for old certificates)."""
    settings = settings_for(training)
    if settings.id is None or which not in ("signature", "stamp"):
        return settings
    release_files([getattr(settings, f"{which}_sha256")])  # removed after commit unless a certificate uses it
    setattr(settings, f"{which}_sha256", None)
    db.session.flush()
    record(actor, "certificate.settings", settings, training_id=training.id,
           summary="Menghapus " + ("tanda tangan" if which == "signature" else "stempel"))
    return settings


def settings_problems(settings):
    """Plain-Indonesian list of what must be filled in before certificates can be issued."""
    problems = []
    if settings.id is None:
        problems.append("Pengaturan sertifikat belum disimpan.")
    if not settings.signer_name or not settings.signer_jabatan:
        problems.append("Nama dan jabatan penandatangan belum diisi.")
    return problems


# --- eligibility --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Eligibility:
    """Whether a registration may get a certificate, and which part is missing."""

    registered: bool
    attendance_ok: bool
    attendance_reason: str
    rtl_ok: bool
    rtl_reason: str
    rtl_required: bool = True

    @property
    def ok(self):
        return self.registered and self.attendance_ok and self.rtl_ok

    @property
    def missing(self):
        """Sentences naming each missing part, for participants and organizers."""
        out = []
        if not self.registered:
            out.append("Status pendaftaran Anda bukan Terdaftar.")
        if not self.attendance_ok:
            out.append(f"Kehadiran belum memenuhi syarat: {self.attendance_reason}.")
        if not self.rtl_ok:
            out.append(f"{self.rtl_reason}.")
        return out


def eligibility_for(registration, verdict=None, rtl=None, required=None):
    """Eligibility of one registration = attendance verdict + (when required) approved RTL.

    Bulk callers pass the precomputed verdict, RTL status and `required` flag (no per-row queries).
    """
    registered = registration.status == Status.REGISTERED.value and registration.anonymized_at is None
    if verdict is None and registered:
        verdict = attendance_verdict_for(registration)
    rtl_ok, rtl_reason = rtl if rtl is not None else rtl_status_for(registration)
    if required is None:
        required = rtl_settings_for(registration.training).required_for_certificate
    return Eligibility(registered, bool(verdict and verdict.passed), verdict.reason if verdict else "",
                       rtl_ok, rtl_reason, bool(required))


@dataclass
class Row:
    """One registered participant on the certificate page."""

    registration: Registration
    eligibility: Eligibility
    certificate: Certificate | None
    verifications: int = 0


def training_rows(training):
    """Every registered participant with eligibility, current certificate and verification count."""
    verdicts = verdicts_for_training(training)
    registrations = db.session.scalars(sa.select(Registration).where(
        Registration.id.in_(list(verdicts))).order_by(Registration.seq)).all()
    current = current_certificates(training)
    counts = verification_counts(training)
    rtl, required = rtl_statuses_for_training(training), rtl_settings_for(training).required_for_certificate
    rows = []
    for registration in registrations:
        cert = current.get(registration.id)
        eligibility = eligibility_for(registration, verdicts[registration.id], rtl[registration.id], required)
        rows.append(Row(registration, eligibility, cert, counts.get(cert.id, 0) if cert else 0))
    return rows


def current_certificates(training):
    """{registration id: its newest valid or revoked certificate} (replaced ones have a successor)."""
    found = {}
    for cert in db.session.scalars(sa.select(Certificate).where(
            Certificate.training_id == training.id, Certificate.status != CertStatus.REPLACED.value)
            .order_by(Certificate.seq)):
        if cert.registration_id is not None:
            found[cert.registration_id] = cert
    return found


def certificate_of(registration):
    """The registration's current (valid, else latest revoked) certificate, or None."""
    certs = db.session.scalars(sa.select(Certificate).where(
        Certificate.registration_id == registration.id, Certificate.status != CertStatus.REPLACED.value)
        .order_by(Certificate.seq.desc())).all()
    return next((c for c in certs if c.is_valid), certs[0] if certs else None)


# --- numbering and snapshot ---------------------------------------------------------------------------

def reserve_numbers(training, count=1):
    """Atomically take ``count`` sequence numbers (UPDATE … RETURNING holds the row lock until commit).

    Returns the first of the reserved numbers. The counter only grows, so a number is never reused,
    also after revocation, replacement or a failed issue (a gap is left instead).
    """
    settings = settings_for(training)
    if settings.id is None:
        raise ValidationError("Simpan pengaturan sertifikat terlebih dahulu.", field="settings")
    table = CertificateSettings.__table__
    last = db.session.execute(table.update().where(table.c.training_id == training.id)
                              .values(last_seq=table.c.last_seq + count).returning(table.c.last_seq)).scalar_one()
    db.session.expire(settings, ["last_seq"])
    return last - count + 1


def issue_date_of(training, settings):
    """The date printed on the certificate (setting, else the training's last day)."""
    return settings.issue_date or training.end_date


def shared_snapshot(training, settings):
    """The part of the snapshot every certificate of the training shares at this moment."""
    issued_on = issue_date_of(training, settings)
    return {
        "training": {"id": training.id, "code": training.code, "name": training.name,
                     "unit_name": training.organizer_unit, "dates_text": training.dates_text,
                     "total_jp": training.total_jp, "materi": [[m.title, m.jp] for m in training.materi]},
        "signer": {"jabatan": settings.signer_jabatan, "name": settings.signer_name,
                   "pangkat": settings.signer_pangkat, "nip": settings.signer_nip},
        "place_date": place_date_line(settings.place or training.city or "", issued_on),
        "issue_date": issued_on.isoformat(), "design": settings.design or "default",
        "signature_sha256": settings.signature_sha256, "stamp_sha256": settings.stamp_sha256,
    }


def person_snapshot(registration):
    """The participant's data as printed (frozen at issue)."""
    return {"name": registration.nama_lengkap, "nip": registration.nip or "", "instansi": registration.instansi,
            "registration_number": registration.number}


def format_number(training, settings, seq):
    """The certificate number for a sequence number under the current template."""
    return numbering.format_number(settings.number_template, seq,
                                   issued_on=issue_date_of(training, settings),
                                   kode=training.code, unit=training.organizer_short or "")


def verify_url(code):
    """Absolute URL of the public verification page (what the QR encodes)."""
    return absolute_url("certificates.verify", code=code)


def render_context(snapshot, storage):
    """(shared, person) renderer contexts rebuilt from a frozen snapshot."""
    training, signer = snapshot["training"], snapshot["signer"]
    shared = {"unit_name": training["unit_name"], "training_name": training["name"],
              "dates_text": training["dates_text"], "total_jp": training["total_jp"],
              "materi": [tuple(m) for m in training["materi"]], "place_date": snapshot["place_date"],
              "signer": dict(signer),
              "signature": storage.get(snapshot["signature_sha256"]) if snapshot.get("signature_sha256") else None,
              "stamp": storage.get(snapshot["stamp_sha256"]) if snapshot.get("stamp_sha256") else None}
    person = {"name": snapshot["person"]["name"], "nip": snapshot["person"]["nip"],
              "instansi": snapshot["person"]["instansi"], "number": snapshot["number"],
              "verify_url": snapshot["verify_url"]}
    return shared, person


# --- issuing ------------------------------------------------------------------------------------------

def _check_can_issue(training, settings, registration):
    """Raise a DomainError when this registration cannot get a certificate now."""
    problems = settings_problems(settings)
    if problems:
        raise ValidationError(" ".join(problems), field="settings")
    if registration.training_id != training.id:
        raise NotFoundError("Peserta tidak ditemukan di pelatihan ini.")
    eligibility = eligibility_for(registration)
    if not eligibility.ok:
        raise ValidationError("Peserta belum memenuhi syarat: " + " ".join(eligibility.missing))


def plan_certificate(training, settings, shared, registration, seq):
    """Number, code and snapshot of a certificate about to be issued (nothing stored yet)."""
    code = verification.new_code()
    snapshot = {**shared, "person": person_snapshot(registration), "seq": seq,
                "number": format_number(training, settings, seq), "verify_url": verify_url(code), "tte": False}
    return code, snapshot


def store_certificate(actor, registration, code, snapshot, pdf, storage, now=None):
    """Store the PDF (before any commit), then add the Certificate and its file row (flush only)."""
    digest = storage.put(pdf)
    now = now or now_utc()
    cert = Certificate(training_id=registration.training_id, registration_id=registration.id,
                       seq=snapshot["seq"], number=snapshot["number"], code=code, status=CertStatus.VALID.value,
                       snapshot=snapshot, name=snapshot["person"]["name"], sha256=digest, original_sha256=digest,
                       size=len(pdf), issued_at=now, issued_by_id=getattr(actor, "id", None))
    cert.files.append(CertificateFile(kind="issued", sha256=digest, size=len(pdf), created_at=now,
                                      created_by_id=getattr(actor, "id", None)))
    db.session.add(cert)
    db.session.flush()
    return cert


def issue_certificate(actor, registration, now=None):
    """Issue one certificate: reserve a number under lock, render, store, record (flush only)."""
    training = registration.training
    settings = settings_for(training)
    seq = reserve_numbers(training)  # first write: takes the lock before anything is read for the issue
    _check_can_issue(training, settings, registration)
    existing = certificate_of(registration)
    if existing is not None and existing.is_valid:
        raise ValidationError("Peserta ini sudah memiliki sertifikat yang sah.")
    code, snapshot = plan_certificate(training, settings, shared_snapshot(training, settings), registration, seq)
    storage = app_storage()
    shared, person = render_context(snapshot, storage)
    pdf = render_pdf(design_dir(snapshot["design"]), {**shared, **person})
    cert = store_certificate(actor, registration, code, snapshot, pdf, storage, now)
    freeze_rule(training, now)
    notify_participant(cert)
    record(actor, "certificate.issue", cert, summary=f"Menerbitkan sertifikat {cert.number} untuk {cert.name}",
           number=cert.number, registration=registration.number)
    return cert


def reissue_certificate(actor, certificate, now=None):
    """Correction: a new certificate with a new number from the current data; the old one becomes 'diganti'."""
    if not certificate.is_valid:
        raise ValidationError("Hanya sertifikat yang sah yang dapat diterbitkan ulang.")
    registration = certificate.registration
    if registration is None:
        raise ValidationError("Data peserta sertifikat ini sudah tidak ada.")
    now = now or now_utc()
    certificate.status, certificate.replaced_at = CertStatus.REPLACED.value, now
    db.session.flush()
    new = issue_certificate(actor, registration, now)
    certificate.replaced_by_id = new.id
    db.session.flush()
    record(actor, "certificate.replace", certificate, summary=f"Sertifikat {certificate.number} diganti "
           f"dengan {new.number}", number=certificate.number, replaced_by=new.number)
    return new


def revoke_certificate(actor, certificate, reason, now=None):
    """Revoke a valid certificate; the reason is required and shown on the verification page."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Alasan pencabutan wajib diisi.", field="reason")
    if not certificate.is_valid:
        raise ValidationError("Sertifikat ini sudah tidak berlaku.")
    certificate.status, certificate.revoked_at = CertStatus.REVOKED.value, now or now_utc()
    certificate.revoked_reason, certificate.revoked_by_id = reason[:1000], getattr(actor, "id", None)
    db.session.flush()
    record(actor, "certificate.revoke", certificate, summary=f"Mencabut sertifikat {certificate.number}: {reason}",
           number=certificate.number, reason=reason)
    return certificate


def notify_participant(cert):
    """Queue the 'certificate issued' e-mail with the download link (same transaction as the certificate)."""
    registration = cert.registration
    if registration is None or registration.anonymized_at is not None or not registration.email:
        return None
    cert.emailed_at = now_utc()
    return queue_mail(registration.email, f"Sertifikat {cert.snapshot['training']['name']}", "certificate_issued",
                      certificate=cert, registration=registration,
                      download_url=absolute_url("certificates.download", certificate_id=cert.id),
                      portal_url=absolute_url("registration.portal"), verify_url=cert.snapshot["verify_url"])


# --- verification -------------------------------------------------------------------------------------

def find_by_code(code):
    """The certificate with this verification code, or None (malformed codes never hit the DB)."""
    if not verification.is_well_formed_code(code):
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def log_verification(certificate, kind, user_agent, result=""):
    """Record one verification (time, kind, result, user agent; no IP address)."""
    entry = Verification(certificate_id=certificate.id, kind=kind, result=result,
                         user_agent=(user_agent or "")[:300], created_at=now_utc())
    db.session.add(entry)
    db.session.flush()
    return entry


def compare_upload(certificate, data):
    """'current' when the bytes equal the stored file, 'older' for a previous version, else 'mismatch'."""
    digest = verification.sha256_hex(data)
    if digest == certificate.sha256:
        return "current"
    if any(f.sha256 == digest for f in certificate.files):
        return "older"
    return "mismatch"


def public_view(certificate):
    """What the public verification page and its JSON show: status, name, training, dates, JP only."""
    snap = certificate.snapshot["training"]
    return {"status": certificate.status, "status_label": certificate.status_label,
            "revoked_reason": certificate.revoked_reason if certificate.status == CertStatus.REVOKED.value else None,
            "name": certificate.name, "training": snap["name"], "organizer": snap["unit_name"],
            "dates": snap["dates_text"], "jp": snap["total_jp"]}


def verification_log(certificate, limit=100):
    """The newest verifications of one certificate, and their total count."""
    total = db.session.scalar(sa.select(sa.func.count()).where(Verification.certificate_id == certificate.id))
    entries = db.session.scalars(sa.select(Verification).where(Verification.certificate_id == certificate.id)
                                 .order_by(Verification.id.desc()).limit(limit)).all()
    return {"total": total, "entries": entries}


def verification_counts(training):
    """{certificate id: number of verifications} for a training."""
    rows = db.session.execute(sa.select(Verification.certificate_id, sa.func.count()).join(Certificate)
                              .where(Certificate.training_id == training.id)
                              .group_by(Verification.certificate_id))
    return dict(rows.all())


# --- downloads ----------------------------------------------------------------------------------------

def filename_for(cert, suffix=""):
    """Download file name: sertifikat-<number>-<code>.pdf with only safe characters."""
    return archive.safe_filename(f"sertifikat-{cert.number}-{cert.code}{suffix}") + ".pdf"


def zip_entries(training):
    """[(file name, reader)] of every valid certificate's stored file, for a streamed ZIP."""
    storage = app_storage()
    certs = db.session.scalars(sa.select(Certificate).where(
        Certificate.training_id == training.id, Certificate.status == CertStatus.VALID.value)
        .order_by(Certificate.seq)).all()
    return [(filename_for(c), _reader(storage, c.sha256)) for c in certs]


def _reader(storage, digest):
    return lambda: storage.get(digest)


# --- external signing (BSrE TTE) ----------------------------------------------------------------------

def unsigned_certificates(training):
    """Valid certificates whose stored file is not yet a signed upload."""
    return db.session.scalars(sa.select(Certificate).where(
        Certificate.training_id == training.id, Certificate.status == CertStatus.VALID.value,
        Certificate.signed_at.is_(None)).order_by(Certificate.seq)).all()


def tte_entries(training):
    """[(file name, renderer)] of unsigned certificates rendered WITH the TTE footer, from their snapshots."""
    storage, renderers, entries = app_storage(), {}, []
    for cert in unsigned_certificates(training):
        entries.append((filename_for(cert, "-tte"), _tte_renderer(cert.snapshot, storage, renderers)))
    return entries


def _tte_renderer(snapshot, storage, renderers):
    """A callable rendering one snapshot with the footer; renderers are shared per (design, shared data)."""
    shared, person = render_context(snapshot, storage)
    per_person = ("person", "seq", "number", "verify_url", "tte")
    key = repr((snapshot["design"], {k: v for k, v in snapshot.items() if k not in per_person}))

    def render():
        if key not in renderers:
            renderers[key] = BatchRenderer(design_dir(snapshot["design"]), shared, tte=True)
        return renderers[key].render(person)
    return render


def attach_signed(actor, training, uploads, now=None):
    """Replace stored PDFs by versions signed outside the app; returns [(filename, ok, message)] (flush only)."""
    candidates = {c.code: c for c in unsigned_certificates(training)}
    pairs = [(code, c.number) for code, c in candidates.items()]
    results, storage = [], app_storage()
    for filename, data in uploads:
        try:
            cert = _signed_target(filename, data, candidates, pairs)
            _replace_file(actor, cert, filename, data, storage, now)
            results.append((filename, True, f"Sertifikat {cert.number} ({cert.name}) diganti dengan PDF bertanda "
                                            "tangan elektronik."))
            pairs = [p for p in pairs if p[0] != cert.code]
        except DomainError as error:
            results.append((filename, False, error.message))
    return results


def _signed_target(filename, data, candidates, pairs):
    """The certificate an uploaded signed PDF belongs to, after checking it is a PDF with the footer."""
    archive.check_pdf(data, SIGNED_MAX_BYTES)
    text = archive.pdf_text(data)
    code = archive.match_certificate(filename, text, pairs)
    if code is None:
        raise ValidationError("Tidak cocok dengan sertifikat mana pun yang belum ditandatangani "
                              "(nama berkas atau isi harus memuat nomor/kode sertifikat).")
    cert = candidates[code]
    if cert.number not in text:
        raise ValidationError(f"Isi PDF tidak memuat nomor sertifikat {cert.number}.")
    if archive.TTE_MARKER not in text:
        raise ValidationError("PDF tidak memuat kalimat tanda tangan elektronik; gunakan berkas dari "
                              "“Unduh PDF untuk TTE”.")
    return cert


def _replace_file(actor, cert, filename, data, storage, now):
    """Store the signed file, keep the old version, point the certificate at the new one; audited."""
    digest = storage.put(data)
    now = now or now_utc()
    cert.files.append(CertificateFile(kind="signed", sha256=digest, size=len(data), created_at=now,
                                      filename=archive.safe_filename(filename or ""),
                                      created_by_id=getattr(actor, "id", None)))
    previous = cert.sha256
    cert.sha256, cert.size, cert.signed_at = digest, len(data), now
    cert.snapshot = {**cert.snapshot, "tte": True}
    db.session.flush()
    record(actor, "certificate.signed", cert, summary=f"Mengunggah PDF bertanda tangan elektronik untuk "
           f"{cert.number}", number=cert.number, previous_sha256=previous, sha256=digest)
