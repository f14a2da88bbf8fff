"""Account operations: authenticating, creating and managing users, staff duties (flush only)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from bimtek.accounts import sessions, throttle
from bimtek.accounts.models import Duty, Role, TrainingRole, User
from bimtek.accounts.passwords import password_problems
from bimtek.audit.services import record
from bimtek.core.database import dialect_insert, insert_many_if_absent
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db

# Computed once so unknown e-mails cost the same time as wrong passwords (no user enumeration).
_DUMMY_HASH = generate_password_hash("timing-equaliser", method="scrypt")


class AccountLocked(DomainError):
    """Too many failed sign-ins for one account (from any address); wait and try again."""

    def __init__(self, retry_after: int | None = None) -> None:
        super().__init__(Message(N_("Terlalu banyak percobaan masuk untuk akun ini. Tunggu 15 menit lalu coba lagi, "
                                    "atau pakai \"Lupa kata sandi\".")), retry_after=retry_after)


def hash_password(password: str, user_inputs: Iterable[str] = ()) -> str:
    """scrypt hash (Werkzeug, a memory-hard KDF) of a password that passes the strength rules."""
    problems = password_problems(password, user_inputs)
    if problems:
        raise ValidationError(" ".join(problems), field="password")
    return generate_password_hash(password, method="scrypt")


def authenticate(email: str, password: str | None) -> User | None:
    """The active staff user with this e-mail and password, or None; AccountLocked after too many failures."""
    if throttle.account_locked(email):
        check_password_hash(_DUMMY_HASH, password or "")
        raise AccountLocked(throttle.seconds_until_unlocked(email))
    user = find_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        user = None
    elif not check_password_hash(user.password_hash, password or "") or not user.is_active:
        user = None
    if user is None:
        throttle.record_failed_login(email)
    return user


def find_by_email(email: str | None) -> User | None:
    """User by e-mail (case-insensitive) or None."""
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def normalize_email(email: str | None) -> str:
    """Trimmed, lower-cased e-mail."""
    return (email or "").strip().lower()


def create_user(email: str, name: str, role: Role | str = Role.STAFF, password: str | None = None) -> User:
    """Create an account; raise ValidationError if the e-mail is taken."""
    email = normalize_email(email)
    if find_by_email(email):
        raise ValidationError(f"Email {email} sudah terdaftar sebagai akun.", field="email")
    user = User(email=email, name=name.strip(), role=Role(role).value,
                password_hash=hash_password(password, (name, email)) if password else None,
                password_changed_at=now_utc() if password else None)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str, actor: User | None = None) -> None:
    """Replace the password and end every session of the user (the caller signs this browser in again)."""
    user.password_hash = hash_password(password, (user.name, user.email))
    user.password_changed_at = now_utc()
    sessions.end_all(user)
    record(actor or user, "account.password_change", user,
           summary=Message(N_("Kata sandi %(email)s diganti"), email=user.email))


def deactivate(actor: User, user: User) -> None:
    """Block a staff account at once: every session ends, sign-in is refused until reactivated."""
    if user.id == actor.id:
        raise ValidationError("Anda tidak dapat menonaktifkan akun Anda sendiri.")
    user.is_active_account = False
    sessions.end_all(user)
    db.session.flush()
    record(actor, "account.deactivate", user, summary=Message(N_("Menonaktifkan akun %(email)s"), email=user.email))


def reactivate(actor: User, user: User) -> None:
    user.is_active_account = True
    db.session.flush()
    record(actor, "account.reactivate", user,
           summary=Message(N_("Mengaktifkan kembali akun %(email)s"), email=user.email))


def admin_reset(actor: User, user: User) -> None:
    """The admin resets a staff account: the old password stops working and every session ends.

    The caller then mails the person a reset link; until they use it, nobody can sign in as them.
    """
    user.password_hash = None
    user.password_changed_at = now_utc()
    sessions.end_all(user)
    db.session.flush()
    record(actor, "account.admin_reset", user,
           summary=Message(N_("Mereset kata sandi akun %(email)s"), email=user.email))


def get_or_create_participant(email: str, name: str, likely_new: bool = False) -> User:
    """The participant account for an e-mail (created passwordless when new). likely_new: try the INSERT first
    (mostly newcomers: one round trip for them, two for an existing account)."""
    user = None if likely_new else find_by_email(email)
    if user is None:
        # Two registrations with one e-mail (e.g. for two trainings) may arrive at the same instant: the loser's
        # INSERT … ON CONFLICT DO NOTHING returns no row and reads the winner's. The winner gets its row back
        # from the INSERT itself (RETURNING: one round trip, not an insert and a read).
        statement = _insert_participant(email, name).returning(User)
        user = db.session.scalars(statement, execution_options={"populate_existing": True}).first() \
            or find_by_email(email)
    return user


def participant_id(email: str, name: str) -> int:
    """The id of the participant account for an e-mail, creating it when new: get_or_create_participant for a
    caller that needs only the id (public registration: the INSERT comes first, no User object is built)."""
    user_id = db.session.scalar(_insert_participant(email, name).returning(User.id))
    if user_id is None:  # the account exists (or a simultaneous registration just made it)
        user_id = db.session.scalar(sa.select(User.id).where(User.email == normalize_email(email)))
    return user_id


def _insert_participant(email: str, name: str) -> Any:
    """INSERT … ON CONFLICT (email) DO NOTHING of a passwordless participant account."""
    return dialect_insert(db.session)(User).values(
        email=normalize_email(email), name=name.strip(), role=Role.PESERTA.value,
    ).on_conflict_do_nothing(index_elements=["email"])


def participant_ids(people: Iterable[tuple[str, str]], batch: int = 500) -> dict[str, int]:
    """{e-mail: user id} for many (e-mail, name) pairs at once, creating the missing participant accounts
    (bulk `get_or_create_participant`: a few queries per `batch` people instead of three per person)."""
    names = {}
    for email, name in people:
        names.setdefault(normalize_email(email), name.strip())
    found = _user_ids(list(names), batch)
    missing = [{"email": email, "name": name, "role": Role.PESERTA.value}
               for email, name in names.items() if email not in found]
    if missing:
        insert_many_if_absent(db.session, User, missing, ["email"])
        found.update(_user_ids([row["email"] for row in missing], batch))
    return found


def _user_ids(emails: list[str], batch: int) -> dict[str, int]:
    found = {}
    for start in range(0, len(emails), batch):
        found.update(db.session.execute(sa.select(User.email, User.id).where(
            User.email.in_(emails[start:start + batch]))).all())
    return found


def duties_for(user: Any, training: Any) -> frozenset[str]:
    """The set of Duty values `user` holds in `training` (empty if none/anonymous)."""
    if not getattr(user, "is_authenticated", False) or training is None:
        return frozenset()
    rows = db.session.scalars(sa.select(TrainingRole.duty).where(
        TrainingRole.user_id == user.id, TrainingRole.training_id == training.id))
    return frozenset(rows)


def assign_duty(training: Any, user: User, duty: Duty | str) -> TrainingRole:
    """Give a staff member a duty in a training (idempotent)."""
    duty = Duty(duty).value
    if user.role == Role.PESERTA.value:
        raise ValidationError("Akun peserta tidak dapat diberi tugas panitia.", field="user")
    existing = db.session.scalar(sa.select(TrainingRole).where(
        TrainingRole.training_id == training.id, TrainingRole.user_id == user.id, TrainingRole.duty == duty))
    if existing:
        return existing
    role = TrainingRole(training_id=training.id, user_id=user.id, duty=duty)
    db.session.add(role)
    db.session.flush()
    return role


def remove_duty(training: Any, role_id: int) -> None:
    """Remove one duty assignment from a training."""
    role = db.session.get(TrainingRole, role_id)
    if role is None or role.training_id != training.id:
        raise ValidationError("Penugasan tidak ditemukan.")
    db.session.delete(role)
    db.session.flush()


def staff_users() -> Sequence[User]:
    """All staff accounts (for assignment pickers)."""
    return db.session.scalars(sa.select(User).where(
        User.role.in_([Role.ADMIN.value, Role.STAFF.value])).order_by(User.name)).all()


def trainings_of(user: User) -> set[int]:
    """Training ids where the user holds any duty."""
    return set(db.session.scalars(sa.select(TrainingRole.training_id).where(TrainingRole.user_id == user.id)))
