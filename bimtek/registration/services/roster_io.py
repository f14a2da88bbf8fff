"""The organizer's roster (flush only): search and summary for the roster page, CSV/XLSX export, and import
(every row validated first; nothing is written if any row is bad).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.accounts import services as accounts
from bimtek.audit.services import record
from bimtek.core.database import lock_training_row
from bimtek.core.errors import ImportRowError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.core.paging import Page
from bimtek.extensions import db
from bimtek.registration import regions, roster
from bimtek.registration.models import ACTIVE_STATUSES, Registration, Status
from bimtek.registration.numbering import format_registration_number
from bimtek.registration.services.seats import next_sequence, seats_taken
from bimtek.registration.services.validation import TEXT_FIELDS
from bimtek.trainings.models import Training

if TYPE_CHECKING:
    from bimtek.accounts.models import User

IMPORT_BATCH = 1000  # registrations per INSERT statement


def search_roster(training_id: int, q: str = "", status: str = "", kabupaten: str = "", instansi: str = "",
                  deletion: bool = False) -> Sequence[Registration]:
    """Registrations of a training filtered for the roster page, in registration order."""
    query = _roster_query(training_id, q, status, kabupaten, instansi, deletion)
    return db.session.scalars(query.order_by(Registration.seq)).all()


def roster_page(training_id: int, page: int | str | None = None, **filters: Any) -> tuple[Sequence[Registration], Page]:
    """(registrations of the page shown, Page): the filtered roster counted and sliced in SQL."""
    query = _roster_query(training_id, **filters)
    total = db.session.scalar(query.with_only_columns(sa.func.count(Registration.id)).order_by(None))
    page = Page.of(page, total)
    return db.session.scalars(query.order_by(Registration.seq).offset(page.offset).limit(page.size)).all(), page


def _roster_query(training_id: int, q: str = "", status: str = "", kabupaten: str = "", instansi: str = "",
                  deletion: bool = False) -> sa.Select[tuple[Registration]]:
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
    return query


def roster_summary(training_id: int) -> dict[str, Any]:
    """{status: count} plus the distinct kabupaten and instansi values for filter menus."""
    counts = dict(db.session.execute(sa.select(Registration.status, sa.func.count(Registration.id))
                                     .where(Registration.training_id == training_id)
                                     .group_by(Registration.status)).all())

    def distinct(column: sa.orm.InstrumentedAttribute[str]) -> list[str]:
        return [v for v in db.session.scalars(sa.select(column).where(
            Registration.training_id == training_id, column != "").distinct().order_by(column))]

    deletions = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.training_id == training_id, Registration.deletion_requested_at.is_not(None),
        Registration.anonymized_at.is_(None)))
    return {"counts": counts, "kabupaten": distinct(Registration.kabupaten),
            "instansi": distinct(Registration.instansi), "deletions": deletions}


def to_roster_row(registration: Registration) -> roster.RosterRow:
    """The pure RosterRow of a registration (for export)."""
    return roster.RosterRow(
        nama_lengkap=registration.nama_lengkap, jabatan=registration.jabatan, instansi=registration.instansi,
        kabupaten=registration.kabupaten, provinsi=registration.provinsi, email=registration.email,
        phone=registration.phone, nip=registration.nip, jenis_kelamin=registration.jenis_kelamin or None,
        pangkat=registration.pangkat, number=registration.number, status=registration.status)


_EXPORT_COLUMNS = tuple(getattr(Registration, name) for name in (
    "nama_lengkap", "jabatan", "instansi", "kabupaten", "provinsi", "email", "phone", "nip", "jenis_kelamin",
    "pangkat", "number", "status"))


def export_roster(actor: User, training: Training, fmt: str) -> bytes:
    """CSV/XLSX bytes of the roster (anonymised rows left out); the export is audit-logged."""
    registrations = db.session.execute(sa.select(*_EXPORT_COLUMNS).where(  # plain rows: no ORM objects
        Registration.training_id == training.id, Registration.anonymized_at.is_(None))
        .order_by(Registration.seq)).all()
    data = roster.export_roster(registrations, fmt)  # rows carry RosterRow's attribute names
    record(actor, "registration.export", training, training_id=training.id,
           summary=Message(N_("Mengekspor daftar peserta (%(format)s, %(count)s baris)"), format=fmt.upper(),
                           count=len(registrations)))
    return data


def import_roster(actor: User, training: Training, filename: str, data: bytes,
                  today: date | None = None) -> tuple[list[str], list[Registration]]:
    """Validate every row in memory, then create/update registrations; nothing is written if any row is bad.

    Under the training lock: sequence numbers are taken in one step (the next free number, then one each in file
    order), participant accounts are looked up/created in bulk and new registrations inserted in batches.
    Returns (numbers created, registrations updated)."""
    rows = roster.parse_roster(filename, data, today=today)
    lock_training_row(db.session, Training, training.id)
    plan = _plan_import(training, rows)
    seats, now, new_rows, updated = _Seats(training), now_utc(), [], []
    for row, registration in plan:
        if registration is None:
            status = row.status or seats.initial_status()
            seats.change(None, status)
            new_rows.append((row, status))
        else:
            before = registration.status
            if _update_from_row(registration, row):
                updated.append(registration)
            seats.change(before, registration.status)
    created = _insert_new(training, new_rows, now)
    db.session.flush()
    record(actor, "registration.import", training, training_id=training.id,
           summary=Message(N_("Impor daftar peserta: %(created)s baru, %(updated)s diubah"), created=len(created),
                           updated=len(updated)),
           created=created, updated=[r.number for r in updated], filename=filename)
    return created, updated


class _Seats:
    """Seats taken as the import goes (pending and registered hold one, as in `seats.register`), without a query
    per row."""

    def __init__(self, training: Training) -> None:
        self.capacity, self.taken = training.capacity, seats_taken(training.id)

    def initial_status(self) -> str:
        if self.capacity is not None and self.taken >= self.capacity:
            return Status.WAITING.value
        return Status.REGISTERED.value

    def change(self, before: str | None, after: str) -> None:
        holding = (Status.REGISTERED.value, Status.PENDING.value)
        self.taken += (after in holding) - (before in holding)


def _insert_new(training: Training, new_rows: list[tuple[roster.RosterRow, str]], now: datetime) -> list[str]:
    """Insert the new registrations in batches, numbered from the next free sequence; returns their numbers."""
    if not new_rows:
        return []
    users = accounts.participant_ids([(row.email, row.nama_lengkap) for row, _ in new_rows])
    first = next_sequence(training.id)
    values = []
    for seq, (row, status) in enumerate(new_rows, start=first):
        values.append({**_row_values(row), "training_id": training.id, "user_id": users[row.email], "seq": seq,
                       "number": format_registration_number(training.code, seq), "status": status,
                       "waitlist_at": now if status == Status.WAITING.value else None, "status_reason": ""})
    for start in range(0, len(values), IMPORT_BATCH):
        db.session.execute(sa.insert(Registration), values[start:start + IMPORT_BATCH])
    return [v["number"] for v in values]


def _plan_import(training: Training,
                 rows: list[roster.RosterRow]) -> list[tuple[roster.RosterRow, Registration | None]]:
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


def _row_values(row: roster.RosterRow) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in (*TEXT_FIELDS, "email", "phone", "nip", "pangkat")}
    values["provinsi"], values["kabupaten"] = regions.normalize(values["provinsi"], values["kabupaten"])
    return {**values, "jenis_kelamin": row.jenis_kelamin or ""}


def _update_from_row(registration: Registration, row: roster.RosterRow) -> bool:
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
