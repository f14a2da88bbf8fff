"""The report page's figures: the few numbers it shows of build_report's result and the digest the stored files
are compared with. A training too big to compute them in the request shows those of the last job that computed
them (the figures job, or a DOCX/PDF build), with the time they were computed."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.evaluation.scoring import gain_text
from bimtek.extensions import db
from bimtek.jobs.models import Job, JobStatus
from bimtek.reports.fingerprint import report_fingerprint

if TYPE_CHECKING:
    from bimtek.trainings.models import Training

FIGURES_KIND = "reports.figures"
COMPUTING_KINDS = (FIGURES_KIND, "reports.docx", "reports.pdf")  # jobs whose result holds the figures


def page_figures(report: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of the report (plain JSON values, kept in a job's result) and the report's digest."""
    tests = report["tests"]
    return {"registered": report["registration"]["registered"], "attendance_passed": report["attendance"]["passed"],
            "rtl_approved": report["rtl"]["approved"], "gain": tests["gain"], "paired": tests["paired"],
            "respondents": report["survey"]["respondents"], "issued": report["certificates"]["issued"],
            "revoked": report["certificates"]["revoked"], "fingerprint": report_fingerprint(report)}


def shown_gain(figures: dict[str, Any]) -> Any:
    """The N-gain as the report writes it (tests_recap's gain_text): a Message, or '–' without pairs."""
    return gain_text(figures["gain"]) if figures["paired"] else "–"


def job_result(report: dict[str, Any], computed_at: datetime) -> dict[str, Any]:
    """The part of a job's result that keeps the figures (computed_at: when their computation began)."""
    return {"figures": page_figures(report), "computed_at": computed_at.isoformat()}


def last_computed(training: Training) -> tuple[dict[str, Any], datetime] | None:
    """(figures, computed at) of the training's latest finished computation, or None when there was none."""
    found = []
    for kind in COMPUTING_KINDS:  # the newest finished job of each kind: three look-ups on the indexed columns
        job = db.session.scalar(sa.select(Job).where(Job.kind == kind, Job.training_id == training.id,
                                                     Job.status == JobStatus.DONE.value)
                                .order_by(Job.id.desc()).limit(1))
        if job is not None and "figures" in (job.result or {}):
            found.append((datetime.fromisoformat(job.result["computed_at"]), job.result["figures"]))
    if not found:
        return None
    computed_at, latest = max(found, key=lambda pair: pair[0])
    return latest, computed_at
