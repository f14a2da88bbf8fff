"""Action plans / RTL (placeholder until the RTL issue lands)."""
from flask import Blueprint, render_template

from bimtek.accounts import permissions
from bimtek.trainings.access import load_training_for

bp = Blueprint("action_plans", __name__)


@bp.route("/kelola/pelatihan/<int:training_id>/rtl")
def queue(training_id):
    """Reviewer queue."""
    training, duties = load_training_for(training_id, permissions.can_review_plans)
    return render_template("core/coming_soon.html", title="RTL", training=training)
