"""Certificate settings of a training (flush only): number template, place, issue date, design, signer, and
the signature and stamp images (checked by content); what must be filled in before anything can be issued.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app

from bimtek.audit.services import record
from bimtek.certificates import numbering
from bimtek.certificates.design import load_design
from bimtek.certificates.images import IMAGE_MAX_BYTES, check_image  # noqa: F401  (re-exported)
from bimtek.certificates.models import CertificateSettings
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.filerefs import release_files
from bimtek.core.messages import N_, Message
from bimtek.core.storage import app_storage
from bimtek.extensions import db

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.trainings.models import Training


def settings_for(training: Training) -> CertificateSettings:
    """The training's certificate settings (an unsaved default when none are stored yet)."""
    found = db.session.scalar(sa.select(CertificateSettings).where(CertificateSettings.training_id == training.id))
    return found or CertificateSettings(training_id=training.id, number_template="800/{nomor}/{unit}/{tahun}",
                                        last_seq=0, place=training.city or "", design="default",
                                        signer_jabatan="", signer_name="", signer_pangkat="", signer_nip="")


def design_choices() -> list[tuple[str, str]]:
    """[(folder name, design name)] of the design folders under CERTIFICATE_DESIGNS_DIR."""
    root = Path(current_app.config["CERTIFICATE_DESIGNS_DIR"])
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and (p / "design.toml").is_file()):
        try:
            found.append((folder.name, load_design(folder).name))
        except DomainError:
            continue
    return found


def design_dir(name: str) -> Path:
    """Path of a design folder by name (only names listed by design_choices are accepted)."""
    if name not in dict(design_choices()):
        raise ValidationError("Desain sertifikat tidak ditemukan.", field="design")
    return Path(current_app.config["CERTIFICATE_DESIGNS_DIR"]) / name


def save_settings(actor: User, training: Training, values: Mapping[str, Any], signature: bytes | None = None,
                  stamp: bytes | None = None) -> CertificateSettings:
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
           summary=Message(N_("Mengubah pengaturan sertifikat")), number_template=settings.number_template)
    return settings


def remove_image(actor: User, training: Training, which: str) -> CertificateSettings:
    """Drop the signature or stamp image from the settings (the stored blob stays for old certificates)."""
    settings = settings_for(training)
    if settings.id is None or which not in ("signature", "stamp"):
        return settings
    release_files([getattr(settings, f"{which}_sha256")])  # removed after commit unless a certificate uses it
    setattr(settings, f"{which}_sha256", None)
    db.session.flush()
    record(actor, "certificate.settings", settings, training_id=training.id,
           summary=Message(N_("Menghapus tanda tangan")) if which == "signature" else Message(N_("Menghapus stempel")))
    return settings


def settings_problems(settings: CertificateSettings) -> list[str]:
    """Plain-Indonesian list of what must be filled in before certificates can be issued."""
    problems = []
    if settings.id is None:
        problems.append("Pengaturan sertifikat belum disimpan.")
    if not settings.signer_name or not settings.signer_jabatan:
        problems.append("Nama dan jabatan penandatangan belum diisi.")
    return problems
