"""Registration operations: register with seats + waiting list, moderation, self-service, roster I/O.

Flush only; views, CLI commands and jobs commit. Every writer of a training's seats first takes
`lock_training_row`, so seat counts and sequence numbers are computed by one writer at a time
(SELECT … FOR UPDATE on PostgreSQL, the database write lock on SQLite).
"""
from datetime import datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.accounts import services as accounts
from bimtek.audit.services import record
from bimtek.core.database import lock_training_row
from bimtek.core.dates import get_zone
from bimtek.core.errors import DomainError, ImportRowError, InvalidTransition, ValidationError
from bimtek.mail.services import absolute_url, queue_mail
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.registration import nip as nip_rules
from bimtek.registration import roster
from bimtek.registration.models import ACTIVE_STATUSES, Registration, Status
from bimtek.registration.numbering import format_registration_number
from bimtek.trainings.models import Training
from bimtek.trainings.schedule import group_by_local_day

TEXT_FIELDS = ("nama_lengkap", "jabatan", "instansi", "kabupaten", "provinsi")
FIELD_LABELS = {"nama_lengkap": "Nama lengkap", "jabatan": "Jabatan", "instansi": "Instansi/unit kerja",
                "kabupaten": "Kabupaten/kota", "provinsi": "Provinsi"}
MAX_TEXT = {"nama_lengkap": 200, "jabatan": 200, "instansi": 300, "kabupaten": 100, "provinsi": 100}
# organizer action -> (allowed from, to)
TRANSITIONS = {
    "approve": ((Status.PENDING.value,), Status.REGISTERED.value),
    "reject": (ACTIVE_STATUSES, Status.REJECTED.value),
    "withdraw": (ACTIVE_STATUSES, Status.WITHDRAWN.value),
}
ACTION_LABELS = {"approve": "menyetujui", "reject": "menolak", "withdraw": "membatalkan"}
ACTION_PASSIVE = {"approve": "disetujui", "reject": "ditolak", "withdraw": "dibatalkan"}


class DuplicateRegistration(DomainError):
    """This e-mail already holds an active registration in the training."""

    def __init__(self, registration):
        super().__init__("Email ini sudah terdaftar pada pelatihan ini.", registration_id=registration.id)
        self.registration = registration


class FormErrors(DomainError):
    """Several field errors at once: `errors` maps field name -> message."""

    def __init__(self, errors):
        super().__init__("Periksa kembali isian yang ditandai.", errors=errors)
        self.errors = errors


# --- validation -----------------------------------------------------------------------------

def clean_registration_data(data, today=None):
    """Normalise form data with the pure NIP/roster rules; return (values, warnings) or raise FormErrors."""
    values, errors = {}, {}
    _clean_text_fields(data, values, errors)
    _clean_parsed_fields(data, values, errors)
    if not values.get("jenis_kelamin") and "jenis_kelamin" not in errors:
        errors["jenis_kelamin"] = "Pilih jenis kelamin."
    warnings = _clean_nip(data, values, errors, today)
    if errors:
        raise FormErrors(errors)
    return values, warnings


def _clean_text_fields(data, values, errors):
    """Collapse whitespace in the free-text fields; each is required and length-limited."""
    for name in TEXT_FIELDS:
        text = " ".join(str(data.get(name) or "").split())
        if not text:
            errors[name] = f"{FIELD_LABELS[name]} wajib diisi."
        elif len(text) > MAX_TEXT[name]:
            errors[name] = f"{FIELD_LABELS[name]} terlalu panjang (maks. {MAX_TEXT[name]} karakter)."
        values[name] = text


def _clean_parsed_fields(data, values, errors):
    """Email, phone, gender and pangkat through their pure parsers."""
    for name, parse in (("email", roster.normalize_email), ("phone", roster.normalize_phone),
                        ("jenis_kelamin", nip_rules.parse_jenis_kelamin), ("pangkat", nip_rules.parse_pangkat)):
        try:
            values[name] = parse(data.get(name))
        except ValidationError as error:
            errors[name] = error.message


def _clean_nip(data, values, errors, today):
    """The optional NIP, checked against the gender already parsed; return its warnings."""
    values["nip"] = None
    if not str(data.get("nip") or "").strip():
        return []
    try:
        result = nip_rules.validate_nip(data["nip"], values.get("jenis_kelamin"), today=today)
    except ValidationError as error:
        errors["nip"] = error.message
        return []
    values["nip"] = result.nip
    return result.warnings


# --- registering and seats ------------------------------------------------------------------

def register(training, data, now=None):
    """Register one person (validated values); seat, pending or waiting list. Raises DuplicateRegistration."""
    now = now or now_utc()
    if not training.registration_is_open(now):
        raise ValidationError("Pendaftaran pelatihan ini sedang tidak dibuka.")
    lock_training_row(db.session, Training, training.id)
    existing = find_active(training.id, data["email"])
    if existing is not None:
        raise DuplicateRegistration(existing)
    status = _initial_status(training, moderated=training.requires_approval)
    registration = _new_registration(training, data, status, now)
    registration.consent_at = now
    db.session.flush()
    send_status_mail(registration, "received")
    return registration


def _initial_status(training, moderated):
    """pending/registered while seats remain (pending holds a seat), else waiting."""
    if training.capacity is not None and seats_taken(training.id) >= training.capacity:
        return Status.WAITING.value
    return Status.PENDING.value if moderated else Status.REGISTERED.value


def _new_registration(training, data, status, now):
    seq = next_sequence(training.id)
    user = accounts.get_or_create_participant(data["email"], data["nama_lengkap"])
    registration = Registration(
        training_id=training.id, user_id=user.id, seq=seq, status=status,
        number=format_registration_number(training.code, seq),
        waitlist_at=now if status == Status.WAITING.value else None,
        **{k: data.get(k) for k in (*TEXT_FIELDS, "email", "phone", "nip", "pangkat")},
        jenis_kelamin=data.get("jenis_kelamin") or "")
    registration.training = training
    db.session.add(registration)
    return registration


def seats_taken(training_id):
    """Registrations holding a seat (registered + pending approval)."""
    query = Registration.seat_holders(training_id).with_only_columns(sa.func.count(Registration.id))
    return db.session.scalar(query)


def next_sequence(training_id):
    """Next per-training sequence number (call with the training row locked)."""
    query = sa.select(sa.func.max(Registration.seq)).where(Registration.training_id == training_id)
    return (db.session.scalar(query) or 0) + 1


def find_active(training_id, email):
    """The active registration of an e-mail in a training, or None."""
    return db.session.scalar(Registration.active_in(training_id).where(
        Registration.email == accounts.normalize_email(email)))


def fill_free_seats(actor, training):
    """Promote waiting people into free seats (e.g. after the capacity was raised), under the training lock."""
    lock_training_row(db.session, Training, training.id)
    return promote_waiting(training, actor)


def promote_waiting(training, actor=None):
    """Fill free seats from the waiting list in order; e-mail each promoted person. Lock held by caller."""
    promoted = []
    query = Registration.waiting_list(training.id)
    if training.capacity is not None:
        query = query.limit(max(training.capacity - seats_taken(training.id), 0))
    for registration in db.session.scalars(query):
        registration.status = Status.PENDING.value if training.requires_approval else Status.REGISTERED.value
        registration.waitlist_at = None
        promoted.append(registration)
    db.session.flush()
    for registration in promoted:
        record(actor, "registration.promote", registration,
               summary=f"{registration.number} naik dari daftar tunggu", status=registration.status)
        send_status_mail(registration, "promoted")
    return promoted


def change_status(actor, registration, action, reason=""):
    """Organizer action approve/reject/withdraw (reason kept); frees seats go to the waiting list."""
    allowed, target = TRANSITIONS[action]
    if registration.status not in allowed:
        raise InvalidTransition(
            f"{registration.number}: pendaftaran berstatus {registration.status_label} tidak dapat "
            f"{ACTION_PASSIVE[action]}.",
            number=registration.number)
    if action == "reject" and not (reason or "").strip():
        raise ValidationError("Alasan penolakan wajib diisi.", field="reason")
    training = registration.training
    lock_training_row(db.session, Training, training.id)
    old = registration.status
    registration.status, registration.status_reason = target, (reason or "").strip()
    db.session.flush()
    record(actor, f"registration.{action}", registration,
           summary=f"{ACTION_LABELS[action].capitalize()} pendaftaran {registration.number}",
           old=old, new=target, reason=registration.status_reason)
    send_status_mail(registration, {"approve": "approved", "reject": "rejected"}.get(action, "withdrawn"))
    if old != Status.WAITING.value and target != Status.REGISTERED.value:
        promote_waiting(training, actor)
    return registration


def bulk_change(actor, training, ids, action, reason=""):
    """Apply one action to several registrations of a training; return (done, skipped messages)."""
    registrations = db.session.scalars(sa.select(Registration).where(
        Registration.training_id == training.id, Registration.id.in_(ids)).order_by(Registration.seq)).all()
    done, skipped = [], []
    for registration in registrations:
        try:
            change_status(actor, registration, action, reason)
            done.append(registration)
        except InvalidTransition as error:
            skipped.append(error.message)
    return done, skipped


def can_withdraw(registration, now=None):
    """A participant may withdraw an active registration until the training starts."""
    return registration.is_active and (now or now_utc()) < training_starts_at(registration.training)


def training_starts_at(training):
    """First session start, else midnight of the start date in the training's zone (UTC)."""
    if training.sessions:
        return min(s.starts_at for s in training.sessions)
    local = datetime.combine(training.start_date, time(0), tzinfo=get_zone(training.timezone))
    return local.astimezone(timezone.utc)


def withdraw_self(user, registration, now=None):
    """The participant withdraws their own registration (before the training starts)."""
    if registration.user_id != user.id:
        raise InvalidTransition("Pendaftaran ini bukan milik Anda.")
    if not can_withdraw(registration, now):
        raise InvalidTransition("Pendaftaran tidak dapat dibatalkan lagi: "
                                "pelatihan sudah dimulai atau status tidak aktif.")
    lock_training_row(db.session, Training, registration.training_id)
    was_waiting = registration.status == Status.WAITING.value
    registration.status, registration.status_reason = Status.WITHDRAWN.value, "Dibatalkan oleh peserta"
    db.session.flush()
    record(user, "registration.withdraw_self", registration, summary=f"Peserta membatalkan {registration.number}")
    if not was_waiting:
        promote_waiting(registration.training, user)
    return registration


# --- mail -----------------------------------------------------------------------------------

STATUS_SUBJECTS = {
    "received": "Pendaftaran {number} diterima",
    "approved": "Pendaftaran {number} disetujui",
    "promoted": "Anda mendapat kursi: {number}",
    "rejected": "Pendaftaran {number} ditolak",
    "withdrawn": "Pendaftaran {number} dibatalkan",
    "repeat": "Anda sudah terdaftar: {number}",
}


def send_status_mail(registration, event, login_link=None, store=True):
    """Queue the status e-mail; the .ics schedule is attached once the person holds a seat."""
    from bimtek.trainings.services import calendar_bytes

    training = registration.training
    attachments = ()
    if registration.status == Status.REGISTERED.value and event in ("received", "approved", "promoted", "repeat"):
        url = absolute_url("trainings.show", training_id=training.id)
        data = calendar_bytes(training, url, url.split("/")[2].split(":")[0])
        attachments = ((f"{training.code}.ics", "text/calendar", data),)
    days = group_by_local_day(training.sessions, training.timezone, start=lambda s: s.starts_at)
    subject = STATUS_SUBJECTS[event].format(number=registration.number) + f" — {training.name}"
    return queue_mail(registration.email, subject[:300], "registration_status", attachments=attachments,
                      store=store, registration=registration, training=training, event=event, days=days,
                      login_link=login_link, login_minutes=30,
                      portal_url=absolute_url("registration.participant_login"),
                      training_url=absolute_url("trainings.show", training_id=training.id))


# --- participant self-service ---------------------------------------------------------------

def registrations_of(user):
    """A participant's registrations with trainings and sessions loaded, newest training first."""
    return db.session.scalars(sa.select(Registration).join(Training).where(Registration.user_id == user.id)
                              .options(orm.contains_eager(Registration.training).selectinload(Training.sessions))
                              .order_by(Training.start_date.desc(), Registration.id)).all()


def update_details(actor, registration, values):
    """Correct personal data (already cleaned); the e-mail stays the sign-in identity."""
    changed = {}
    for name in (*TEXT_FIELDS, "phone", "nip", "pangkat", "jenis_kelamin"):
        if getattr(registration, name) != values.get(name):
            changed[name] = [getattr(registration, name), values.get(name)]
            setattr(registration, name, values.get(name) if values.get(name) is not None else None)
    db.session.flush()
    if changed:
        record(actor, "registration.update", registration, summary=f"Mengubah data {registration.number}",
               fields=sorted(changed))
    return changed


def personal_data(user):
    """Everything stored about a participant, as a JSON-serialisable dict (UU PDP access right)."""
    fields = (*TEXT_FIELDS, "jenis_kelamin", "email", "phone", "nip", "pangkat", "number", "status")
    stamps = ("created_at", "consent_at", "deletion_requested_at")
    return {
        "akun": {"nama": user.name, "email": user.email, "dibuat": user.created_at.isoformat()},
        "pendaftaran": [
            {"pelatihan": r.training.name, "kode_pelatihan": r.training.code,
             **{f: getattr(r, f) for f in fields}, "status_label": r.status_label,
             **{f: (getattr(r, f).isoformat() if getattr(r, f) else None) for f in stamps}}
            for r in registrations_of(user)],
    }


def request_deletion(user, registration, now=None):
    """Participant asks the organizer to erase this registration's data (flush only)."""
    if registration.user_id != user.id:
        raise InvalidTransition("Pendaftaran ini bukan milik Anda.")
    registration.deletion_requested_at = registration.deletion_requested_at or now or now_utc()
    db.session.flush()
    record(user, "registration.deletion_request", registration, summary=f"Permintaan hapus data {registration.number}")


def anonymize(actor, registration, now=None, withdraw=True):
    """Erase personal data of a registration (withdrawing it first if active); keeps number and status."""
    now = now or now_utc()
    if withdraw and registration.is_active:
        change_status(actor, registration, "withdraw", "Data dihapus atas permintaan peserta")
    for name in TEXT_FIELDS:
        setattr(registration, name, "")
    registration.nama_lengkap = "(data dihapus)"
    registration.email = f"dihapus-{registration.id}@anonim.invalid"
    registration.phone, registration.nip, registration.pangkat, registration.jenis_kelamin = "", None, None, ""
    registration.user_id, registration.anonymized_at = None, now
    db.session.flush()
    record(actor, "registration.anonymize", registration, summary=f"Menghapus data pribadi {registration.number}")


def purge_expired(retention_days, now=None):
    """Anonymise registrations of trainings that ended more than `retention_days` ago; return the count."""
    now = now or now_utc()
    cutoff = (now - timedelta(days=retention_days)).date()
    registrations = db.session.scalars(sa.select(Registration).join(Training).where(
        Training.end_date < cutoff, Registration.anonymized_at.is_(None))).all()
    for registration in registrations:
        anonymize(None, registration, now, withdraw=False)
    return len(registrations)


# --- roster ---------------------------------------------------------------------------------

def search_roster(training_id, q="", status="", kabupaten="", instansi="", deletion=False):
    """Registrations of a training filtered for the roster page, in registration order."""
    query = sa.select(Registration).where(Registration.training_id == training_id)
    if q:
        like = f"%{q.strip().lower()}%"
        query = query.where(sa.or_(*(sa.func.lower(col).like(like) for col in (
            Registration.nama_lengkap, Registration.email, Registration.number, Registration.nip,
            Registration.instansi, Registration.phone))))
    for column, value in ((Registration.status, status), (Registration.kabupaten, kabupaten),
                          (Registration.instansi, instansi)):
        if value:
            query = query.where(column == value)
    if deletion:
        query = query.where(Registration.deletion_requested_at.is_not(None), Registration.anonymized_at.is_(None))
    return db.session.scalars(query.order_by(Registration.seq)).all()


def roster_summary(training_id):
    """{status: count} plus the distinct kabupaten and instansi values for filter menus."""
    counts = dict(db.session.execute(sa.select(Registration.status, sa.func.count(Registration.id))
                                     .where(Registration.training_id == training_id)
                                     .group_by(Registration.status)).all())

    def distinct(column):
        return [v for v in db.session.scalars(sa.select(column).where(
            Registration.training_id == training_id, column != "").distinct().order_by(column))]

    deletions = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.training_id == training_id, Registration.deletion_requested_at.is_not(None),
        Registration.anonymized_at.is_(None)))
    return {"counts": counts, "kabupaten": distinct(Registration.kabupaten),
            "instansi": distinct(Registration.instansi), "deletions": deletions}


def to_roster_row(registration):
    """The pure RosterRow of a registration (for export)."""
    return roster.RosterRow(
        nama_lengkap=registration.nama_lengkap, jabatan=registration.jabatan, instansi=registration.instansi,
        kabupaten=registration.kabupaten, provinsi=registration.provinsi, email=registration.email,
        phone=registration.phone, nip=registration.nip, jenis_kelamin=registration.jenis_kelamin or None,
        pangkat=registration.pangkat, number=registration.number, status=registration.status)


def export_roster(actor, training, fmt):
    """CSV/XLSX bytes of the roster (anonymised rows left out); the export is audit-logged."""
    registrations = db.session.scalars(sa.select(Registration).where(
        Registration.training_id == training.id, Registration.anonymized_at.is_(None))
        .order_by(Registration.seq)).all()
    data = roster.export_roster([to_roster_row(r) for r in registrations], fmt)
    record(actor, "registration.export", training, training_id=training.id,
           summary=f"Mengekspor daftar peserta ({fmt.upper()}, {len(registrations)} baris)")
    return data


def import_roster(actor, training, filename, data, today=None):
    """Validate every row, then create/update registrations; nothing is written if any row is bad."""
    rows = roster.parse_roster(filename, data, today=today)
    lock_training_row(db.session, Training, training.id)
    plan = _plan_import(training, rows)
    created, updated = [], []
    for row, registration in plan:
        if registration is None:
            created.append(_create_from_row(training, row))
        elif _update_from_row(registration, row):
            updated.append(registration)
    db.session.flush()
    record(actor, "registration.import", training, training_id=training.id,
           summary=f"Impor daftar peserta: {len(created)} baru, {len(updated)} diubah",
           created=[r.number for r in created], updated=[r.number for r in updated], filename=filename)
    return created, updated


def _plan_import(training, rows):
    """[(row, existing registration or None)] or RosterImportError listing every conflicting row."""
    everyone = db.session.scalars(sa.select(Registration).where(Registration.training_id == training.id)).all()
    by_number = {r.number: r for r in everyone}
    active_email = {r.email: r for r in everyone if r.is_active}
    plan, errors = [], []
    for row in rows:
        target = by_number.get(row.number) if row.number else None
        if row.number and target is None:
            errors.append(ImportRowError(
                row.line, f"nomor registrasi {row.number} tidak ada di pelatihan {training.code}.",
                column="Nomor Registrasi"))
            continue
        holder = active_email.get(row.email)
        if holder is not None and holder is not target and (row.status or "registered") in ACTIVE_STATUSES:
            errors.append(ImportRowError(
                row.line, f"email {row.email} sudah terdaftar aktif dengan nomor {holder.number}.", column="Email"))
            continue
        plan.append((row, target))
    if errors:
        raise roster.RosterImportError(errors)
    return plan


def _row_values(row):
    values = {name: getattr(row, name) for name in (*TEXT_FIELDS, "email", "phone", "nip", "pangkat")}
    return {**values, "jenis_kelamin": row.jenis_kelamin or ""}


def _create_from_row(training, row):
    status = row.status or _initial_status(training, moderated=False)
    registration = _new_registration(training, _row_values(row), status, now_utc())
    db.session.flush()
    return registration


def _update_from_row(registration, row):
    """Copy changed values; True when anything changed. A new e-mail re-links the participant account."""
    values = _row_values(row)
    changed = False
    for name, value in values.items():
        if getattr(registration, name) != value:
            setattr(registration, name, value)
            changed = True
    if row.status and row.status != registration.status:
        registration.status, changed = row.status, True
        registration.waitlist_at = now_utc() if row.status == Status.WAITING.value else None
    if changed and (registration.user is None or registration.user.email != registration.email):
        registration.user = accounts.get_or_create_participant(registration.email, registration.nama_lengkap)
    return changed
