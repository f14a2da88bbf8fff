"""Organizers' decisions about log identities (flush only): assign one to a registration, undo it ("Batalkan
penetapan"), mark one "Bukan peserta" and undo that; and what keeps identities out of the review queue.

An assignment ties one identity (its engine key, in the session it was seen in) to a registration. It is decided
before anything else for that identity, adds its intervals to the registration's union and never touches another
identity; in the training's other sessions it is remembered as an alias of the name (or e-mail), which only
decides identities that no strong evidence (number, e-mail) or mark decided. A mark covers one identity: its
e-mail (every session) or its name within the session. Every decision recomputes the sessions it can change.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bimtek.accounts.models import Role, TrainingRole, User
from bimtek.attendance import matching
from bimtek.attendance.models import IgnoredName, NameAlias
from bimtek.attendance.segments import ROLE_HOST, ROLE_PANELIST
from bimtek.attendance.services.compute import match_context, recompute_session, recompute_training
from bimtek.audit.services import record
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status
from bimtek.trainings.models import Training, TrainingSession

if TYPE_CHECKING:
    from bimtek.attendance.models import UnmatchedName

EXCLUDED_HOST, EXCLUDED_STAFF, EXCLUDED_IGNORED = "host", "staff", "ignored"
EXCLUSION_LABELS = {EXCLUDED_HOST: "Host/panelis menurut log", EXCLUDED_STAFF: "E-mail akun staf/admin",
                    EXCLUDED_IGNORED: "Ditandai bukan peserta"}


# --- not participants: host/panelist, staff e-mails, "Bukan peserta" marks --------------------------------------

def ignore_key(name: str, email: str = "") -> str:
    """Key of a "Bukan peserta" mark: "email:<e-mail>" when the log shows one, else "name:<alias_key(name)>"."""
    return matching.mark_keys([name], email)[0] if (email or "").strip() or (name or "").strip() else "name:"


@dataclass
class Exclusions:
    """What keeps an unmatched log identity out of a training's review queue."""

    staff_emails: frozenset
    ignored: dict  # (session id or None, mark key) → IgnoredName

    def reason(self, names: Sequence[str], email: str | None, role: str = "", session_id: int | None = None) -> str:
        """EXCLUDED_HOST / EXCLUDED_STAFF / EXCLUDED_IGNORED, or "" when the identity belongs in the queue."""
        email = (email or "").strip().lower()
        if role in (ROLE_HOST, ROLE_PANELIST):
            return EXCLUDED_HOST
        if email and email in self.staff_emails:
            return EXCLUDED_STAFF
        return EXCLUDED_IGNORED if self.mark(names, email, session_id) is not None else ""

    def mark(self, names: Sequence[str], email: str | None = "", session_id: int | None = None) -> IgnoredName | None:
        """The IgnoredName that covers this identity (its e-mail anywhere, its name in this session), or None."""
        if not self.ignored:
            return None
        for key in matching.mark_keys(names, email):
            scopes = [sid for sid, k in self.ignored if k == key] if key.startswith("email:") else \
                [session_id, None]
            found = next((self.ignored[(sid, key)] for sid in scopes if (sid, key) in self.ignored), None)
            if found is not None:
                return found
        return None


def staff_emails(training: Training) -> frozenset[str]:
    """Lower-cased e-mails of every admin account and of everyone holding a duty in the training."""
    duty_holders = sa.select(TrainingRole.user_id).where(TrainingRole.training_id == training.id)
    emails = db.session.scalars(sa.select(User.email).where(
        sa.or_(User.role == Role.ADMIN.value, User.id.in_(duty_holders))))
    return frozenset(e.strip().lower() for e in emails if e)


def exclusions_for(training: Training) -> Exclusions:
    """The training's Exclusions (two queries)."""
    ignored = db.session.scalars(IgnoredName.for_training(training.id)).all()
    return Exclusions(staff_emails(training), {(i.session_id, i.key): i for i in ignored})


def exclusion_of(item: UnmatchedName, exclusions: Exclusions) -> str:
    """Why a queued UnmatchedName is left out of the queue ("" when it is not)."""
    return exclusions.reason([item.name, *(item.names or [])], item.email, item.role, item.session_id)


def ignore_name(actor: User, item: UnmatchedName) -> IgnoredName:
    """Mark one queued identity "not a participant": its e-mail (every session), else its name in this session."""
    key = ignore_key(item.name, item.email)[:300]
    scope = None if key.startswith("email:") else item.session_id
    query = sa.select(IgnoredName).where(IgnoredName.training_id == item.training_id, IgnoredName.key == key)
    if scope is not None:
        query = query.where(sa.or_(IgnoredName.session_id == scope, IgnoredName.session_id.is_(None)))
    ignored = db.session.scalars(query).first()
    if ignored is not None:
        return ignored
    ignored = IgnoredName(training_id=item.training_id, session_id=item.session_id, key=key,
                          display=item.name[:300], email=(item.email or "").lower()[:254],
                          created_by_id=getattr(actor, "id", None))
    db.session.add(ignored)
    db.session.flush()
    record(actor, "attendance.ignore", ignored, training_id=item.training_id,
           summary=Message(N_("Nama log “%(name)s” ditandai bukan peserta"), name=item.name), name=item.name,
           email=ignored.email,
           key=key, session_id=item.session_id)
    _recompute_for(ignored)
    return ignored


def unignore_name(actor: User, ignored: IgnoredName) -> None:
    """Remove a "not a participant" mark: the identity is matched or waits in the review queue again."""
    record(actor, "attendance.ignore_delete", ignored, training_id=ignored.training_id,
           summary=Message(N_("Membatalkan tanda bukan peserta “%(name)s”"), name=ignored.display),
           name=ignored.display, key=ignored.key)
    db.session.delete(ignored)
    db.session.flush()
    _recompute_for(ignored)


def _recompute_for(ignored: IgnoredName) -> None:
    """A mark can change matching (it stops aliases and names): recompute where it applies."""
    training = db.session.get(Training, ignored.training_id)
    if ignored.session_id is not None and not ignored.key.startswith("email:"):
        recompute_session(db.session.get(TrainingSession, ignored.session_id))
    else:
        recompute_training(None, training)


# --- assignments ------------------------------------------------------------------------------------------------

def own_registration(training: Training, registration_id: int | str | None) -> Registration:
    """The registered participant `registration_id` of this training, else ValidationError."""
    registration = db.session.get(Registration, registration_id) if registration_id else None
    if registration is None or registration.training_id != training.id or \
            registration.status != Status.REGISTERED.value:
        raise ValidationError("Pilih peserta terdaftar dari pelatihan ini.", field="registration_id")
    return registration


def assign_name(actor: User, item: UnmatchedName, registration_id: int | str | None) -> NameAlias:
    """Assign one queued identity to a registration (adds its time, leaves the queue) and recompute."""
    return assign_many(actor, [(item, registration_id)])[0]


def assign_many(actor: User, choices: Sequence[tuple[UnmatchedName, int | str | None]]) -> list[NameAlias]:
    """Assign [(queued UnmatchedName, registration id)] of one training, then recompute once; returns the
    NameAlias rows. Items already assigned are updated (the last choice wins)."""
    if not choices:
        return []
    training = db.session.get(Training, choices[0][0].training_id)
    aliases = []
    for item, registration_id in choices:
        if item.training_id != training.id:
            raise ValidationError("Antrean dari pelatihan lain.", field="registration_id")
        aliases.append(_assign(actor, training, item, own_registration(training, registration_id)))
    db.session.flush()
    _recompute_assigned(training, {item.session_id for item, _ in choices}, aliases)
    return aliases


def _assign(actor: User, training: Training, item: UnmatchedName, registration: Registration) -> NameAlias:
    identity_key = (item.key or matching.mark_keys([item.name], item.email)[0])[:300]
    alias = db.session.scalar(sa.select(NameAlias).where(NameAlias.session_id == item.session_id,
                                                         NameAlias.identity_key == identity_key))
    if alias is None:
        alias = NameAlias(training_id=training.id, session_id=item.session_id, identity_key=identity_key,
                          key=matching.alias_key(item.name)[:300], display=item.name[:300],
                          email=(item.email or "").lower()[:254], created_by_id=getattr(actor, "id", None))
        db.session.add(alias)
    alias.registration_id = registration.id
    record(actor, "attendance.alias", alias, training_id=training.id,
           summary=Message(N_("Nama log “%(name)s” ditetapkan sebagai %(number)s %(person)s"), name=item.name,
                           number=registration.number, person=registration.nama_lengkap),
           name=item.name, registration=registration.number, session_id=item.session_id, key=identity_key)
    return alias


def _recompute_assigned(training: Training, session_ids: set[int], aliases: Sequence[NameAlias]) -> None:
    """The assigned sessions change; other sessions only where the remembered alias can apply (bare device names
    are never remembered, so assigning "iPhone" recomputes one session)."""
    if all(matching.is_generic_device(a.display) and not a.email for a in aliases):
        context = match_context(training)
        for session in training.sessions:
            if session.id in session_ids:
                recompute_session(session, context)
        return
    recompute_training(None, training)


def delete_alias(actor: User, alias: NameAlias) -> None:
    """Undo an assignment ("Batalkan penetapan"): forget it and recompute every session of its training."""
    training = db.session.get(Training, alias.training_id)
    record(actor, "attendance.alias_delete", alias, training_id=training.id,
           summary=Message(N_("Membatalkan penetapan “%(name)s”"), name=alias.display), name=alias.display,
           session_id=alias.session_id)
    db.session.delete(alias)
    db.session.flush()
    recompute_training(None, training)
