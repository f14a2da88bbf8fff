"""Registration (placeholder until the registration issue lands)."""
from flask import Blueprint, render_template

from bimtek.trainings.access import load_training_for

bp = Blueprint("registration", __name__)


@bp.route("/pelatihan/<int:training_id>/daftar")
def register(training_id):
    """Public registration form."""
    return render_template("core/coming_soon.html", title="Pendaftaran")


@bp.route("/peserta/masuk")
def participant_login():
    """Participant sign-in (e-mail link or registration number)."""
    return render_template("core/coming_soon.html", title="Masuk peserta")


@bp.route("/peserta")
def portal():
    """Participant home."""
    return render_template("core/coming_soon.html", title="Halaman peserta")


@bp.route("/kelola/pelatihan/<int:training_id>/peserta")
def roster(training_id):
    """Roster for panitia."""
    from bimtek.accounts import permissions

    training, duties = load_training_for(training_id, permissions.can_manage_roster)
    return render_template("core/coming_soon.html", title="Peserta", training=training)
