"""Job progress: JSON for the progress bar script, and a no-JS page that refreshes itself."""
from flask import Blueprint, abort, jsonify, render_template
from flask_babel import gettext

from bimtek.core.i18n import tr
from bimtek.core.web import get_or_404
from bimtek.jobs.models import Job
from bimtek.trainings.access import load_training_for

bp = Blueprint("jobs", __name__)
PAGE_PARTS = {}  # job kind → fn(job, training) -> {"title": str, "links": [(url, label, primary)]} for its page


def register_page_parts(function, *kinds):
    """Let `function(job, training)` name jobs of these kinds on their page and offer links (back to where the job was
    started, the file a finished job made)."""
    for kind in kinds:
        PAGE_PARTS[kind] = function


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
    data["status_label"], data["message"] = gettext(label), tr(job.shown_message)
    return jsonify(data)


@bp.route("/kelola/pekerjaan/<int:job_id>")
def show_job(job_id):
    """A progress page that works without JavaScript (meta refresh while running)."""
    job, training = _load(job_id)
    parts = PAGE_PARTS[job.kind](job, training) if job.kind in PAGE_PARTS else {}
    return render_template("jobs/show_job.html", job=job, training=training, parts=parts)
