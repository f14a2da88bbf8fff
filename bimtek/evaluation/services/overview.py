"""What the evaluation pages show, in one place: the scores page and the questionnaire recap read these, and so
does the activity report (reports), so every figure has one source (read only)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bimtek.evaluation import charts, likert
from bimtek.evaluation.services import survey_results, surveys
from bimtek.evaluation.services.results import class_summary, final_attempts, item_rows, score_rows
from bimtek.evaluation.services.settings import settings_for

if TYPE_CHECKING:
    from bimtek.trainings.models import Training


def test_overview(training: Training) -> dict[str, Any]:
    """Scores per participant, class summary (averages, N-gain), item analysis and its chart."""
    attempts = final_attempts(training)  # read once for the scores and the item analysis
    rows = score_rows(training, attempts)
    items = item_rows(training, attempts)
    chart = charts.paired_chart([(f"Soal {n}", pre, post) for n, (_q, pre, post) in enumerate(items, start=1)])
    return {"rows": rows, "summary": class_summary(training, rows), "items": items, "chart": chart}


def survey_overview(training: Training) -> dict[str, Any]:
    """Questionnaire recap: per question, per section, per speaker; respondents and who is still missing."""
    results = survey_results.question_results(training)
    settings = settings_for(training)
    respondents = len(surveys.respondent_ids(training))
    return {"results": results, "speakers": survey_results.speaker_results(training, results),
            "sections": survey_results.section_means(results), "scale": settings.likert_scale,
            "scale_labels": likert.SCALE_LABELS[settings.likert_scale], "respondents": respondents,
            "hidden": respondents < likert.MIN_RESPONDENTS, "minimum": likert.MIN_RESPONDENTS,
            "pending": survey_results.non_respondents(training)}
