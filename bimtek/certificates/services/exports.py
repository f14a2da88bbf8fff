"""Downloads of stored certificates (read only): safe file names and the entries of a training's streamed ZIP."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bimtek.certificates import archive
from bimtek.certificates.models import Certificate, CertStatus
from bimtek.core.storage import app_storage
from bimtek.extensions import db

if TYPE_CHECKING:
    from bimtek.core.storage import Storage
    from bimtek.trainings.models import Training


def filename_for(cert: Certificate, suffix: str = "") -> str:
    """Download file name: sertifikat-<number>-<code>.pdf with only safe characters."""
    return archive.safe_filename(f"sertifikat-{cert.number}-{cert.code}{suffix}") + ".pdf"


def zip_entries(training: Training) -> list[tuple[str, Callable[[], bytes]]]:
    """[(file name, reader)] of every valid certificate's stored file, for a streamed ZIP."""
    storage = app_storage()
    certs = db.session.scalars(sa.select(Certificate).where(
        Certificate.training_id == training.id, Certificate.status == CertStatus.VALID.value)
        .order_by(Certificate.seq)).all()
    return [(filename_for(c), _reader(storage, c.sha256)) for c in certs]


def _reader(storage: Storage, digest: str) -> Callable[[], bytes]:
    return lambda: storage.get(digest)
