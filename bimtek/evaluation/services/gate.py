"""The evaluation part of the certificate gate (read only): post-test done and/or questionnaire sent,
when the training asks for them."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from bimtek.evaluation.services.attempts import attempts_of
from bimtek.evaluation.services.results import posttest_done_ids
from bimtek.evaluation.services.settings import settings_for
from bimtek.evaluation.services.surveys import respondent_ids, response_of

if TYPE_CHECKING:
    from bimtek.evaluation.models import EvaluationSettings
    from bimtek.registration.models import Registration
    from bimtek.trainings.models import Training


def _verdict(settings: EvaluationSettings, post_done: bool, survey_done: bool) -> tuple[bool, list[str]]:
    reasons = []
    if settings.require_posttest and not post_done:
        reasons.append("Post-test belum dikerjakan")
    if settings.require_evaluation and not survey_done:
        reasons.append("Evaluasi penyelenggaraan belum diisi")
    return not reasons, reasons


def evaluation_status_for(registration: Registration) -> tuple[bool, list[str]]:
    """(ok, [missing part]) for one registration."""
    settings = settings_for(registration.training)
    post_done = any(a.submitted_at for a in attempts_of(registration, "post")) if settings.require_posttest else True
    response = response_of(registration) if settings.require_evaluation else None
    survey_done = bool(response and response.submitted_at) if settings.require_evaluation else True
    return _verdict(settings, post_done, survey_done)


def evaluation_statuses_for_training(training: Training,
                                     registration_ids: Iterable[int]) -> dict[int, tuple[bool, list[str]]]:
    """{registration id: (ok, [missing part])} in three queries."""
    settings = settings_for(training)
    posts = posttest_done_ids(training) if settings.require_posttest else set()
    surveys = respondent_ids(training) if settings.require_evaluation else set()
    return {rid: _verdict(settings, rid in posts, rid in surveys) for rid in registration_ids}


def gate_requirements(training: Training) -> tuple[str, ...]:
    """The evaluation parts this training's certificate asks for, as phrases ('post-test dikerjakan', …)."""
    settings = settings_for(training)
    return tuple(label for flag, label in ((settings.require_posttest, "post-test dikerjakan"),
                                           (settings.require_evaluation, "evaluasi penyelenggaraan diisi")) if flag)
