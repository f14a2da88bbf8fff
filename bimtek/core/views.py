"""Home, organizer dashboard, language switch, health check."""
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from bimtek.core.web import safe_local_path, staff_required
from bimtek.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
def index():
    """Public home: the list of open trainings."""
    from bimtek.trainings.models import Training

    trainings = db.session.scalars(Training.published()).all()
    return render_template("core/index.html", trainings=trainings)


@bp.route("/kelola")
@staff_required
def dashboard():
    """Organizer home: the trainings this user manages."""
    from bimtek.trainings.services import visible_trainings

    return render_template("core/dashboard.html", trainings=visible_trainings(current_user))


@bp.route("/bahasa/<lang>", methods=["POST"])
def set_language(lang):
    """Switch UI language (id/en) for this browser session."""
    if lang in current_app.config["LANGUAGES"]:
        session["locale"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_local_path(request.form.get("next")) or url_for("core.index"))


@bp.route("/sehat")
def health():
    """Liveness probe: checks the database answers."""
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


@bp.app_context_processor
def inject_globals():
    """Values every template needs (app name, DPO contact)."""
    return {"app_name": "Bimtek", "dpo_contact": current_app.config["DPO_CONTACT"]}


@bp.route("/saya")
@login_required
def home():
    """Where 'my page' goes: staff to the dashboard, participants to their portal."""
    if current_user.is_staff:
        return redirect(url_for("core.dashboard"))
    return redirect(url_for("registration.portal"))


@bp.route("/privasi")
def privacy():
    """Privacy notice (UU PDP): controller, purpose, rights, DPO contact."""
    return render_template("core/privacy.html")
