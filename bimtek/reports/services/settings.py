"""Letterhead per organizer unit and the training's chapter texts (flush only)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.audit.services import record
from bimtek.certificates.images import check_image
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message
from bimtek.extensions import db
from bimtek.reports.models import Letterhead, ReportFields

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.trainings.models import Training

LOGO_MAX_BYTES = 512 * 1024
TEXT_LIMIT = 5_000
DEFAULT_DASAR = ("Program kerja {unit} tahun {year} tentang peningkatan kompetensi pengelola perpustakaan melalui "
                 "bimbingan teknis.")
DEFAULT_TUJUAN = ("Maksud kegiatan ini adalah meningkatkan kapasitas peserta. Tujuannya agar peserta mampu "
                  "menyusun dan melaksanakan rencana tindak lanjut di instansi masing-masing.")
DEFAULT_PENUTUP = ("Demikian laporan pelaksanaan kegiatan ini disusun sebagai bahan pertanggungjawaban dan "
                   "evaluasi penyelenggaraan kegiatan berikutnya.")


def letterhead_for(training: Training) -> Letterhead:
    """The unit's saved letterhead, or an unsaved one with the unit name only."""
    found = db.session.scalar(sa.select(Letterhead).where(Letterhead.organizer_unit == training.organizer_unit))
    return found or Letterhead(organizer_unit=training.organizer_unit, unit_name=training.organizer_unit,
                               parent_line="", address="")


def fields_for(training: Training) -> ReportFields:
    found = db.session.scalar(sa.select(ReportFields).where(ReportFields.training_id == training.id))
    return found or ReportFields(training_id=training.id, dasar="", maksud_tujuan="", penutup="", place="",
                                 signer_jabatan="", signer_name="", signer_nip="")


def texts_of(training: Training, fields: ReportFields | None = None) -> dict[str, str]:
    """Chapter texts with defaults filled in."""
    fields = fields or fields_for(training)
    return {"dasar": fields.dasar or DEFAULT_DASAR.format(unit=training.organizer_unit, year=training.start_date.year),
            "maksud_tujuan": fields.maksud_tujuan or DEFAULT_TUJUAN, "penutup": fields.penutup or DEFAULT_PENUTUP,
            "place": fields.place or training.city or "", "signer_jabatan": fields.signer_jabatan,
            "signer_name": fields.signer_name, "signer_nip": fields.signer_nip}


def save_fields(actor: User, training: Training, data: Mapping[str, Any]) -> ReportFields:
    fields = fields_for(training)
    for name in ("dasar", "maksud_tujuan", "penutup", "place", "signer_jabatan", "signer_name", "signer_nip"):
        value = (data.get(name) or "").strip()
        if len(value) > TEXT_LIMIT:
            raise ValidationError(f"Isian terlalu panjang (maksimal {TEXT_LIMIT} karakter).", field=name)
        setattr(fields, name, value)
    db.session.add(fields)
    db.session.flush()
    record(actor, "report.fields", fields, training_id=training.id,
           summary=Message(N_("Isian laporan kegiatan diperbarui")))
    return fields


def save_letterhead(actor: User, training: Training, parent_line: str | None, unit_name: str | None,
                    address: str | None, logo: bytes | None = None) -> Letterhead:
    """Store the unit's kop surat (logo checked by content: PNG/JPEG within the limits)."""
    if not (unit_name or "").strip():
        raise ValidationError("Nama unit wajib diisi.", field="unit_name")
    head = letterhead_for(training)
    head.parent_line, head.unit_name, head.address = (parent_line or "").strip()[:300], unit_name.strip()[:300], (
        address or "").strip()[:500]
    if logo:
        if len(logo) > LOGO_MAX_BYTES:
            raise ValidationError("Logo terlalu besar (maksimal 512 KB).", field="logo")
        check_image(logo, "Logo")
        head.logo, head.logo_mime = logo, "image/png" if logo.startswith(b"\x89PNG") else "image/jpeg"
    db.session.add(head)
    db.session.flush()
    record(actor, "report.letterhead", head, training_id=training.id, summary=Message(N_("Kop surat unit diperbarui")))
    return head
