"""Certificates (placeholder until the certificates issue lands)."""
from flask import Blueprint, render_template

from bimtek.accounts import permissions
from bimtek.trainings.access import load_training_for

bp = Blueprint("certificates", __name__)


@bp.route("/kelola/pelatihan/<int:training_id>/sertifikat")
def manage(training_id):
    """Certificate management."""
    training, duties = load_training_for(training_id, permissions.can_issue_certificates)
    return render_template("core/coming_soon.html", title="Sertifikat", training=training)
