"""Materials (flush only): handouts stored before their rows, links, removal, who may open an item and the
download count (one atomic UPDATE per download, so parallel downloads are all counted)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app

from bimtek.accounts import permissions
from bimtek.accounts.services import duties_for
from bimtek.audit.services import record
from bimtek.core.errors import ValidationError
from bimtek.core.filerefs import release_files
from bimtek.core.messages import N_, Message
from bimtek.core.storage import app_storage
from bimtek.extensions import db
from bimtek.materials import filetypes
from bimtek.materials.models import PARTICIPANTS, PUBLIC, Material
from bimtek.registration.models import Registration, Status
from bimtek.trainings.models import Materi, Training, TrainingSession

if TYPE_CHECKING:
    from flask_login import AnonymousUserMixin

    from bimtek.accounts.models import User

VISIBILITY_LABELS = ((PARTICIPANTS, "Hanya peserta"), (PUBLIC, "Publik"))


def max_bytes() -> int:
    return int(float(current_app.config.get("MATERIALS_MAX_UPLOAD_MB") or 15) * 1024 * 1024)


def _check(training: Training, title: str | None, visibility: str, materi_id: int | None,
           session_id: int | None) -> str:
    title = " ".join((title or "").split())
    if not title or len(title) > 200:
        raise ValidationError("Judul wajib diisi (paling panjang 200 karakter).", field="title")
    if visibility not in (PUBLIC, PARTICIPANTS):
        raise ValidationError("Pilih siapa yang boleh membuka.", field="visibility")
    for model, ident in ((Materi, materi_id), (TrainingSession, session_id)):
        found = db.session.get(model, ident) if ident else None
        if ident and (found is None or found.training_id != training.id):
            raise ValidationError("Materi atau sesi tidak ditemukan di pelatihan ini.", field="materi_id")
    return title


def _add(actor: User, training: Training, title: str | None, visibility: str, materi_id: int | None,
         session_id: int | None, summary: str, **fields: Any) -> Material:
    title = _check(training, title, visibility, materi_id, session_id)
    material = Material(training_id=training.id, title=title, visibility=visibility, materi_id=materi_id or None,
                        session_id=session_id or None, created_by_id=getattr(actor, "id", None), **fields)
    db.session.add(material)
    db.session.flush()
    record(actor, "material.add", material, training_id=training.id, summary=Message(summary, title=title))
    return material


def add_file(actor: User, training: Training, title: str | None, data: bytes, visibility: str = PARTICIPANTS,
             materi_id: int | None = None, session_id: int | None = None) -> Material:
    """Check the bytes (type and size), store the file, then add its row (flush only)."""
    _check(training, title, visibility, materi_id, session_id)  # refuse before anything is stored
    filetypes.check_size(len(data), max_bytes())
    kind = filetypes.detect(data)
    digest = app_storage().put(data)  # before the row: a row never points at a missing file
    return _add(actor, training, title, visibility, materi_id, session_id, N_("Mengunggah bahan “%(title)s”"),
                kind=kind.key, sha256=digest, size=len(data))


def add_link(actor: User, training: Training, title: str | None, url: str, visibility: str = PARTICIPANTS,
             materi_id: int | None = None, session_id: int | None = None) -> Material:
    """A link (recording, slides online) as a material (flush only)."""
    return _add(actor, training, title, visibility, materi_id, session_id, N_("Menambah tautan “%(title)s”"),
                kind="link", url=filetypes.check_link(url))


def remove(actor: User, material: Material) -> None:
    """Delete the row; its file goes once the deletion commits (unless another row uses the same bytes)."""
    release_files([material.sha256])
    db.session.delete(material)
    db.session.flush()
    record(actor, "material.remove", None, training_id=material.training_id,
           summary=Message(N_("Menghapus bahan “%(title)s”"), title=material.title))


def materials_of(training: Training) -> Sequence[Material]:
    return db.session.scalars(sa.select(Material).where(Material.training_id == training.id)
                              .order_by(Material.session_id.is_(None), Material.session_id, Material.materi_id,
                                        Material.id)).all()


def is_participant(user: User | AnonymousUserMixin, training: Training) -> bool:
    """A signed-in user with a registered seat in the training."""
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.training_id == training.id, Registration.user_id == user.id,
        Registration.status == Status.REGISTERED.value, Registration.anonymized_at.is_(None))) > 0


def may_open(material: Material, user: User | AnonymousUserMixin, training: Training | None = None) -> bool:
    """Public items for everyone (once the training itself is public); participants-only items, and every item of
    a training not published yet, for its participants, its staff and admins."""
    training = training or db.session.get(Training, material.training_id)
    if material.is_public and training.is_published:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return permissions.can_view_management(user, duties_for(user, training)) or is_participant(user, training)


def visible_materials(training: Training, user: User | AnonymousUserMixin) -> list[Material]:
    """The items this user may see on the training page or the portal."""
    items = materials_of(training)
    if all(m.is_public for m in items):
        return items
    allowed = getattr(user, "is_authenticated", False) and (
        permissions.can_view_management(user, duties_for(user, training)) or is_participant(user, training))
    return [m for m in items if m.is_public or allowed]


def count_download(material: Material) -> None:
    """+1 on the item's counter (atomic, flush only)."""
    table = Material.__table__
    db.session.execute(table.update().where(table.c.id == material.id).values(downloads=table.c.downloads + 1))


def file_bytes(material: Material) -> bytes:
    return app_storage().get(material.sha256)
