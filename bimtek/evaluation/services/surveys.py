"""The questionnaire (evaluasi penyelenggaraan and narasumber), flush only.

Who answered is kept (evaluation_survey_responses) so reminders reach only those who did not; what they
answered is copied at submission into rows with no link back to them (a random key groups one submission),
and the working draft is erased. Reviewers and speakers only ever see aggregates and unattributed texts.
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bimtek.core.errors import InvalidTransition, ValidationError
from bimtek.core.models import now_utc
from bimtek.evaluation import likert, windows
from bimtek.evaluation.models import SurveyAnswer, SurveyQuestion, SurveyResponse
from bimtek.evaluation.services.attempts import schedule_bounds
from bimtek.evaluation.services.settings import settings_for
from bimtek.extensions import db
from bimtek.registration.models import Status

if TYPE_CHECKING:
    from bimtek.registration.models import Registration
    from bimtek.trainings.models import Training


def questions_of(training: Training) -> Sequence[SurveyQuestion]:
    """The training's questionnaire; the default Indonesian set is created the first time it is needed."""
    found = db.session.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.training_id == training.id)
                               .order_by(SurveyQuestion.position)).all()
    if found:
        return found
    by_position = {m.position: m for m in training.materi}
    specs = likert.default_questions([(m.position, m.title, m.trainer) for m in training.materi])
    try:
        with db.session.begin_nested():  # (training, position) is unique: a parallel first visit loses here
            for position, spec in enumerate(specs, start=1):
                materi = by_position.get(spec.materi_position)
                db.session.add(SurveyQuestion(training_id=training.id, position=position, section=spec.section,
                                              kind=spec.kind, text=spec.text, speaker=spec.speaker,
                                              materi_id=materi.id if materi else None))
    except IntegrityError:
        pass
    return db.session.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.training_id == training.id)
                              .order_by(SurveyQuestion.position)).all()


def window_of(training: Training, now: datetime | None = None) -> str:
    return windows.evaluation_window(schedule_bounds(training)[1], now or now_utc())


def response_of(registration: Registration) -> SurveyResponse | None:
    return db.session.scalar(sa.select(SurveyResponse).where(SurveyResponse.registration_id == registration.id))


def check_can_answer(registration: Registration, now: datetime | None = None) -> None:
    if registration.status != Status.REGISTERED.value:
        raise InvalidTransition("Hanya peserta yang terdaftar dapat mengisi evaluasi.")
    if window_of(registration.training, now) != windows.OPEN:
        raise InvalidTransition(windows.window_message("evaluasi", windows.NOT_YET))
    response = response_of(registration)
    if response is not None and response.submitted_at is not None:
        raise InvalidTransition("Evaluasi sudah Anda kirim. Terima kasih.")


def _response(registration: Registration) -> SurveyResponse | None:
    found = response_of(registration)
    if found is not None:
        return found
    response = SurveyResponse(training_id=registration.training_id, registration_id=registration.id, draft={})
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:  # a parallel autosave created it first
        return response_of(registration)
    return response


def clean_answers(training: Training, raw: Mapping[str, Any]) -> dict[str, int | str]:
    """{question id as str: int or text} from {key: raw}, keeping only this training's questions in range."""
    scale = settings_for(training).likert_scale
    out = {}
    for question in questions_of(training):
        key = str(question.id)
        if key not in raw:
            continue
        if question.kind == likert.LIKERT:
            value = likert.parse_value(raw[key], scale)
            if value is not None:
                out[key] = value
        else:
            out[key] = str(raw[key] or "")[:likert.MAX_OPEN_CHARS]
    return out


def save_draft(registration: Registration, raw: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """Merge answers into the draft (autosave); returns the draft."""
    check_can_answer(registration, now)
    response = _response(registration)
    response.draft = {**(response.draft or {}), **clean_answers(registration.training, raw)}
    db.session.flush()
    return response.draft


def missing_likert(training: Training, draft: Mapping[str, Any]) -> list[SurveyQuestion]:
    return [q for q in questions_of(training) if q.kind == likert.LIKERT and str(q.id) not in draft]


def submit(registration: Registration, raw: Mapping[str, Any], now: datetime | None = None) -> None:
    """Validate, then turn the draft into anonymous answers exactly once (a second submission is refused)."""
    draft = save_draft(registration, raw, now)
    missing = missing_likert(registration.training, draft)
    if missing:
        raise ValidationError(f"Masih ada {len(missing)} pernyataan yang belum dinilai.",
                              missing=[q.id for q in missing])
    response = response_of(registration)
    day = (now or now_utc()).replace(hour=0, minute=0, second=0, microsecond=0)  # no exact time to correlate
    won = db.session.execute(sa.update(SurveyResponse).where(
        SurveyResponse.id == response.id, SurveyResponse.submitted_at.is_(None)).values(
        submitted_at=day, updated_at=day, draft={})).rowcount
    if not won:
        raise InvalidTransition("Evaluasi sudah Anda kirim. Terima kasih.")
    key = secrets.token_hex(16)
    for question_id, value in draft.items():
        is_text = isinstance(value, str)
        if is_text and not value.strip():
            continue
        db.session.add(SurveyAnswer(training_id=registration.training_id, question_id=int(question_id),
                                    submission_key=key, value=None if is_text else value,
                                    text=value.strip() if is_text else ""))
    db.session.flush()
    db.session.expire(response)


def respondent_ids(training: Training) -> set[int]:
    return set(db.session.scalars(sa.select(SurveyResponse.registration_id).where(
        SurveyResponse.training_id == training.id, SurveyResponse.submitted_at.is_not(None))))
