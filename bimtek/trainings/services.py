"""Training operations: create/edit, schedule, materi, iCal (flush only; views commit)."""
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.accounts import permissions
from bimtek.accounts.models import TrainingRole, User
from bimtek.audit.services import record
from bimtek.core.dates import get_zone, to_local
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.trainings import consistency, ical, schedule
from bimtek.trainings.models import Materi, Training, TrainingSession

TRAINING_FIELDS = (
    "name", "code", "program", "organizer_unit", "organizer_short", "description", "mode", "meeting_url",
    "location", "city", "timezone", "start_date", "end_date", "capacity", "requires_approval", "is_published",
    "minutes_per_jp", "pass_rule", "min_jp",
)


def visible_trainings(user: User) -> Sequence[Training]:
    """Trainings the user may manage: all for admins, assigned ones for staff."""
    query = sa.select(Training).order_by(Training.start_date.desc())
    if not permissions.is_admin(user):
        query = query.join(TrainingRole).where(TrainingRole.user_id == user.id).distinct()
    return db.session.scalars(query).all()


def load_for_display(training_id: int) -> Training | None:
    """A training with sessions and materi eagerly loaded, or None."""
    return db.session.scalar(sa.select(Training).where(Training.id == training_id).options(
        orm.selectinload(Training.sessions), orm.selectinload(Training.materi)))


# Domains above trainings may veto an edit (attendance: the rule is frozen once certificates exist). They are
# registered from create_app (bimtek.register_hooks), so this domain never imports the ones built on it.
UPDATE_GUARDS: list[Callable[[Training, dict], None]] = []


def register_update_guard(guard: Callable[[Training, dict], None]) -> None:
    """`guard(training, data)` raises ValidationError to refuse an edit of the training."""
    if guard not in UPDATE_GUARDS:
        UPDATE_GUARDS.append(guard)


# lock(training) -> reason why the attendance rule can no longer change, or None
RULE_LOCKS: list[Callable[[Training], str | None]] = []


def register_rule_lock(lock: Callable[[Training], str | None]) -> None:
    if lock not in RULE_LOCKS:
        RULE_LOCKS.append(lock)


def rule_lock_reason(training: Training) -> str | None:
    """Why the training's attendance rule is read-only (shown next to the fields), or None."""
    return next((reason for reason in (lock(training) for lock in RULE_LOCKS) if reason), None)


def training_problems(training: Training | None, data: Mapping[str, Any]) -> dict[str, str]:
    """Every problem of submitted training data at once (field → message); `training` is None when creating."""
    problems = consistency.field_problems(data)
    training_id = training.id if training is not None else None
    if data.get("code"):
        clash = db.session.scalar(sa.select(Training.id).where(Training.code == data["code"],
                                                               Training.id != training_id))
        if clash:
            problems["code"] = f"Kode {data['code']} sudah dipakai pelatihan lain."
    if training is not None and not training.is_published:  # turning publishing on
        refusal = consistency.publish_problem(data.get("is_published"), len(training.sessions))
        if refusal:
            problems["is_published"] = refusal
    for guard in UPDATE_GUARDS if training is not None else ():
        try:
            guard(training, data)
        except ValidationError as error:
            problems.setdefault(error.field or "pass_rule", error.message)
    return problems


def apply_training_data(training: Training, data: Mapping[str, Any]) -> None:
    """Copy validated form data onto a training (local window times → UTC)."""
    get_zone(data["timezone"])
    problems = training_problems(training if training.id else None, data)
    if problems:
        field, message = next(iter(problems.items()))
        raise ValidationError(message, field=field, problems=problems)
    for name in TRAINING_FIELDS:
        if name in data:
            setattr(training, name, data[name])
    training.min_session_share = float(data.get("min_session_share") or 75) / 100
    training.min_sessions_share = float(data.get("min_sessions_share") or 100) / 100
    for name in ("registration_opens_at", "registration_closes_at"):
        value = data.get(name)
        setattr(training, name, value.replace(tzinfo=get_zone(data["timezone"])).astimezone(timezone.utc)
                if value else None)


def warnings_for(training: Training) -> list[str]:
    """What does not fit together in a saved training (shown on its management page and after saving)."""
    minutes = sum(s.duration_seconds for s in training.sessions) // 60
    closes = training.registration_closes_at
    closes_local = to_local(closes, training.timezone).replace(tzinfo=None) if closes else None
    return (consistency.window_warnings(training.end_date, closes_local)
            + consistency.schedule_warnings(minutes, training.total_jp, training.minutes_per_jp,
                                            training.is_published, len(training.sessions)))


def create_training(actor: User, data: Mapping[str, Any]) -> Training:
    """Create a training from validated data."""
    training = Training(created_by_id=actor.id)
    apply_training_data(training, data)
    db.session.add(training)
    db.session.flush()
    record(actor, "training.create", training, training_id=training.id,
           summary=Message(N_("Membuat pelatihan %(name)s"), name=training.name))
    return training


def update_training(actor: User, training: Training, data: Mapping[str, Any]) -> None:
    """Edit a training; existing sessions must stay inside the new dates; registered guards may refuse."""
    apply_training_data(training, data)
    check_schedule(training, training.sessions)
    db.session.flush()
    record(actor, "training.update", training, training_id=training.id, summary=Message(N_("Mengubah data pelatihan")))


def check_schedule(training: Training, sessions: Iterable[TrainingSession]) -> None:
    """Raise ValidationError if sessions overlap or fall outside the training dates."""
    times = [schedule.SessionTimes(s.starts_at, s.ends_at, s.title or f"Sesi {i}")
             for i, s in enumerate(sorted(sessions, key=lambda s: s.starts_at), start=1)]
    schedule.validate_schedule(times, training.start_date, training.end_date, training.timezone)


def generate_sessions(actor: User, training: Training, slots: Sequence[schedule.Slot],
                      skip_weekdays: Iterable[int] = ()) -> None:
    """Replace the schedule with days × daily slots."""
    times = schedule.generate_sessions(training.start_date, training.end_date, slots, training.timezone, skip_weekdays)
    training.sessions.clear()
    db.session.flush()
    for t in times:
        training.sessions.append(TrainingSession(starts_at=t.start, ends_at=t.end))
    db.session.flush()
    record(actor, "training.sessions_generate", training, training_id=training.id,
           summary=Message(N_("Membuat jadwal %(count)s sesi"), count=len(times)))
    return training.sessions


def save_session(actor: User, training: Training, session: TrainingSession | None, day: date, start: time,
                 end: time, title: str = "") -> TrainingSession:
    """Create (session=None) or edit one session from local date/times; validates the whole schedule."""
    times = schedule.day_and_slot_from_local(day, start, end, training.timezone)
    with db.session.no_autoflush:
        if session is None:
            session = TrainingSession()
        moved = session.id is None or (session.starts_at, session.ends_at) != (times.start, times.end)
        session.starts_at, session.ends_at, session.title = times.start, times.end, (title or "").strip()
        if moved:  # participants get a calendar update only for new times, never for a title edit
            session.sequence = (session.sequence or 0) + 1
            session.rescheduled_at = now_utc()
        others = [s for s in training.sessions if s is not session] + [session]
        check_schedule(training, others)
        if session not in training.sessions:
            training.sessions.append(session)
    db.session.flush()
    record(actor, "training.session_save", training, training_id=training.id,
           summary=Message(N_("Menyimpan sesi %(when)s"), when=schedule.describe(times, training.timezone)))
    return session


def delete_session(actor: User, training: Training, session: TrainingSession) -> None:
    """Remove one session from the schedule."""
    training.sessions.remove(session)
    db.session.flush()
    record(actor, "training.session_delete", training, training_id=training.id,
           summary=Message(N_("Menghapus satu sesi")))


def add_materi(actor: User, training: Training, title: str, trainer: str | None, jp: int) -> Materi:
    """Append a materi row at the end."""
    position = max((m.position for m in training.materi), default=0) + 1
    materi = Materi(training=training, title=title.strip(), trainer=(trainer or "").strip(), jp=int(jp),
                    position=position)
    training.materi.append(materi)
    db.session.flush()
    record(actor, "training.materi_add", training, training_id=training.id,
           summary=Message(N_("Menambah materi %(title)s"), title=materi.title))
    return materi


def update_materi(actor: User, materi: Materi, title: str, trainer: str | None, jp: int) -> None:
    """Edit one materi row."""
    materi.title, materi.trainer, materi.jp = title.strip(), (trainer or "").strip(), int(jp)
    db.session.flush()
    record(actor, "training.materi_update", materi.training, training_id=materi.training_id,
           summary=Message(N_("Mengubah materi %(title)s"), title=materi.title))


def delete_materi(actor: User, materi: Materi) -> None:
    """Delete one materi row and renumber the rest."""
    training = materi.training
    training.materi.remove(materi)
    _renumber(training)
    record(actor, "training.materi_delete", training, training_id=training.id,
           summary=Message(N_("Menghapus materi %(title)s"), title=materi.title))


def move_materi(actor: User, materi: Materi, offset: int) -> None:
    """Move a materi row up (-1) or down (+1)."""
    items = list(materi.training.materi)
    index = items.index(materi)
    target = index + offset
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        for position, item in enumerate(items, start=1):
            item.position = position
        db.session.flush()


def _renumber(training: Training) -> None:
    for position, item in enumerate(sorted(training.materi, key=lambda m: m.position), start=1):
        item.position = position
    db.session.flush()


def ical_training(training: Training, training_url: str) -> ical.IcalTraining:
    """The pure iCal description of a training."""
    return ical.IcalTraining(
        name=training.name, tz_name=training.timezone, url=training_url, meeting_url=training.meeting_url,
        location=training.location, organizer_unit=training.organizer_unit,
        materi=tuple((m.title, m.trainer, m.jp) for m in training.materi))


def ical_sessions(training: Training, host: str,
                  sessions: Iterable[TrainingSession] | None = None) -> list[ical.IcalSession]:
    """IcalSession values with stable UIDs (session id + host)."""
    chosen = sessions if sessions is not None else training.sessions
    numbered = {s.id: i for i, s in enumerate(training.sessions, start=1)}
    return [ical.IcalSession(uid=f"bimtek-session-{s.id}@{host}", start=s.starts_at, end=s.ends_at,
                             summary=f"{training.name} — {s.title or 'Sesi ' + str(numbered[s.id])}",
                             sequence=s.sequence or 0) for s in chosen]


def calendar_bytes(training: Training, training_url: str, host: str,
                   sessions: Iterable[TrainingSession] | None = None, now: datetime | None = None,
                   method: str = "PUBLISH", organizer: str = "") -> bytes:
    """VCALENDAR bytes for the whole training or the given sessions (method REQUEST: a schedule update)."""
    described, events = ical_training(training, training_url), ical_sessions(training, host, sessions)
    if now is None:  # the usual case: the same bytes for every e-mail of the minute (ical.recent_calendar)
        return ical.recent_calendar(described, events, method=method, organizer=organizer)
    return ical.build_calendar(described, events, now=now, method=method, organizer=organizer)
