"""Job progress: JSON for the progress bar script, and a no-JS page that refreshes itself."""
from flask import Blueprint, abort, jsonify, render_template
from flask_babel import gettext

from bimtek.core.web import get_or_404
from bimtek.jobs.models import Job
from bimtek.trainings.access import load_training_for

bp = Blueprint("jobs", __name__)
RESULT_LINKS = {}  # job kind → fn(job) -> (url, label) | None: what a finished job offers (e.g. its file)


def register_result_link(function, *kinds):
    """Show `function(job)`'s (url, label) as a button on the page of a finished job of these kinds."""
    for kind in kinds:
        RESULT_LINKS[kind] = function


def _load(job_id):
    job = get_or_404(Job, job_id)
    if job.training_id is None:
        abort(404)
    training, duties = load_training_for(job.training_id)
    return job, training


@bp.route("/kelola/pekerjaan/<int:job_id>.json")
def job_status(job_id):
    """Progress as JSON (polled by static/js/progress.js)."""
    job, _ = _load(job_id)
    data = job.as_dict()
    label = data["status_label"]  # JOB_STATUS_LABELS stay Indonesian; translate at the edge
    data["status_label"] = gettext(label)
    return jsonify(data)


@bp.route("/kelola/pekerjaan/<int:job_id>")
def show_job(job_id):
    """A progress page that works without JavaScript (meta refresh while running)."""
    job, training = _load(job_id)
    link = RESULT_LINKS[job.kind](job) if job.status == "done" and job.kind in RESULT_LINKS else None
    return render_template("jobs/show_job.html", job=job, training=training, result_link=link)
