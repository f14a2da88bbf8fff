"""TTE settings and keys of a training (flush only): the signing method and BSrE identifiers, the institution's
PKCS#12 (checked with its password, which is an argument and never stored), the trust anchors, the signing
options a design asks for, and which certificates still need a signature. Signing itself: services.backends
(per batch) driven by signing_tasks (the job) or the sign-certificates command.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app

from bimtek.audit.services import record
from bimtek.certificates import pades
from bimtek.certificates.design import load_design
from bimtek.certificates.models import SIGN_METHODS, Certificate
from bimtek.certificates.services.settings import design_dir, settings_for
from bimtek.certificates.services.signing import unsigned_certificates
from bimtek.certificates.signature_check import parse_anchors
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.storage import app_storage
from bimtek.extensions import db

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.certificates.models import CertificateSettings
    from bimtek.trainings.models import Training

MM = 72 / 25.4
OTHER_KEY = "Kunci ini bukan sertifikat penandatangan yang ditetapkan untuk pelatihan ini."


def key_for_training(training: Training, password: str | None, pkcs12: bytes | None = None) -> pades.SigningKey:
    """The SigningKey of the training: ``pkcs12`` bytes (CLI) or the uploaded one; KeyProblem when unusable."""
    settings = settings_for(training)
    if pkcs12 is None:
        if not settings.pkcs12_sha256:
            raise pades.KeyProblem("Belum ada sertifikat elektronik instansi (PKCS#12) yang diunggah.")
        pkcs12 = app_storage().get(settings.pkcs12_sha256)
    key = pades.load_key(pkcs12, password)
    if settings.signer_cert_sha256 and key.cert_sha256 != settings.signer_cert_sha256:
        raise pades.KeyProblem(OTHER_KEY)
    return key


def store_pkcs12(actor: User, training: Training, data: bytes, password: str | None) -> pades.SigningKey:
    """Keep an uploaded PKCS#12 as the training's key (checked with its password, which is not kept)."""
    key = pades.load_key(data, password)
    settings = settings_for(training)
    digest = app_storage().put(data)
    settings.pkcs12_sha256, settings.signer_cert_sha256, settings.sign_method = digest, key.cert_sha256, "pkcs12"
    db.session.flush()
    record(actor, "certificate.tte_key", settings, training_id=training.id,
           summary=Message(N_("Mengunggah sertifikat elektronik instansi atas nama %(holder)s"), holder=key.holder),
           signer=key.holder, cert_sha256=key.cert_sha256)
    return key


def sign_options(design_name: str, config: Mapping[str, Any] | None = None) -> pades.SignOptions:
    """SignOptions from the design's signature area and the TSA/B-LT settings of the configuration."""
    config = config or current_app.config
    design = load_design(design_dir(design_name))
    box = tuple(v * MM for v in design.signature_box_mm) if design.signature_box_mm else None
    return pades.SignOptions(location=design.place, page=design.signature_page, box=box,
                             tsa_url=config.get("TTE_TSA_URL") or "", long_term=bool(config.get("TTE_LONG_TERM")))


def pending_ids(training: Training) -> list[int]:
    """Ids of the valid, not yet signed certificates of a training, in number order."""
    return [c.id for c in unsigned_certificates(training)]


def locked_certificate(cert_id: int) -> Certificate | None:
    """A certificate row locked for this transaction (two signers never sign the same one twice)."""
    return db.session.scalar(sa.select(Certificate).where(Certificate.id == cert_id).with_for_update())


PKCS12_MAX_BYTES = 64 * 1024
ANCHORS_MAX_BYTES = 256 * 1024


def save_tte_settings(actor: User, training: Training, method: str, nik: str = "", subscriber: str = "") -> None:
    """The signing method and BSrE identifiers of a training (flush only)."""
    if method not in SIGN_METHODS:
        raise ValidationError("Cara tanda tangan tidak dikenal.", field="method")
    nik = (nik or "").strip()
    if nik and (len(nik) != 16 or not nik.isdigit()):
        raise ValidationError("NIK terdiri atas 16 angka.", field="nik")
    settings = settings_for(training)
    settings.sign_method, settings.bsre_nik, settings.bsre_subscriber = method, nik, (subscriber or "").strip()[:100]
    db.session.flush()
    record(actor, "certificate.tte_settings", settings, training_id=training.id,
           summary=Message(N_("Mengubah cara tanda tangan elektronik: %(method)s"), method=method), method=method)


def store_anchors(actor: User, training: Training, data: bytes | None, signer_cert: bytes | None = None) -> list[Any]:
    """Keep the trust anchors (PEM/DER CA certificates) signatures of this training are checked against."""
    if not data or len(data) > ANCHORS_MAX_BYTES:
        raise ValidationError("Berkas sertifikat akar kosong atau terlalu besar (maksimal 256 KB).", field="anchors")
    anchors = parse_anchors(data)
    if not anchors:
        raise ValidationError("Berkas tidak memuat sertifikat akar (CA).", field="anchors")
    settings = settings_for(training)
    settings.anchors_sha256 = app_storage().put(data)
    db.session.flush()
    record(actor, "certificate.tte_anchors", settings, training_id=training.id,
           summary=Message(N_("Mengunggah %(count)s sertifikat akar (CA) untuk pemeriksaan tanda tangan elektronik"),
                           count=len(anchors)))
    return anchors


def trust_anchors(settings: CertificateSettings) -> list[Any]:
    """The training's trust anchors (asn1crypto certificates); [] when none were uploaded."""
    return parse_anchors(app_storage().get(settings.anchors_sha256)) if settings.anchors_sha256 else []
