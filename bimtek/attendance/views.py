"""Attendance (placeholder until the attendance issue lands)."""
from flask import Blueprint, render_template

from bimtek.accounts import permissions
from bimtek.trainings.access import load_training_for

bp = Blueprint("attendance", __name__)


@bp.route("/kelola/pelatihan/<int:training_id>/kehadiran")
def overview(training_id):
    """Training attendance overview."""
    training, duties = load_training_for(training_id, permissions.can_manage_roster)
    return render_template("core/coming_soon.html", title="Kehadiran", training=training)
