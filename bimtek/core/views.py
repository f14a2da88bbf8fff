"""Language switch, health check, privacy notice, "my page" (the home pages live in trainings)."""
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from bimtek.core.web import safe_local_path
from bimtek.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/bahasa/<lang>", methods=["POST"])
def set_language(lang):
    """Switch UI language (id/en) for this browser session."""
    if lang in current_app.config["LANGUAGES"]:
        session["locale"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_local_path(request.form.get("next")) or url_for("trainings.index"))


@bp.route("/sehat")
def health():
    """Liveness probe: checks the database answers."""
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


def inject_globals():
    """Values every template needs (app name, DPO contact); a context processor registered by
    bimtek.register_template_context."""
    return {"app_name": "Bimtek", "dpo_contact": current_app.config["DPO_CONTACT"]}


@bp.route("/saya")
@login_required
def home():
    """Where 'my page' goes: staff to the dashboard, participants to their portal."""
    if current_user.is_staff:
        return redirect(url_for("trainings.dashboard"))
    return redirect(url_for("registration.portal"))


@bp.route("/privasi")
def privacy():
    """Privacy notice (UU PDP): controller, purpose, rights, DPO contact."""
    return render_template("core/privacy.html")
