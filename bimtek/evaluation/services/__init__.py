"""Evaluation services: settings, question bank, attempts, results, questionnaire, certificate gate."""
from bimtek.evaluation.services import survey_results, surveys  # noqa: F401
from bimtek.evaluation.services.attempts import (  # noqa: F401
    TestState,
    allowed_attempts,
    attempts_of,
    close_overdue,
    grant_retake,
    paper_of,
    save_answer,
    saved_answers,
    seconds_left,
    start_attempt,
    state_of,
    submit_attempt,
    window_of,
)
from bimtek.evaluation.services.bank import answer_keys, export_bank, import_bank, questions_of, replace_bank  # noqa
from bimtek.evaluation.services.gate import evaluation_status_for, evaluation_statuses_for_training, gate_requirements  # noqa: F401
from bimtek.evaluation.services.portal import portal_section  # noqa: F401
from bimtek.evaluation.services.results import class_summary, item_rows, score_rows, score_table  # noqa: F401
from bimtek.evaluation.services.settings import save_settings, settings_for  # noqa: F401
