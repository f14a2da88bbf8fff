"""Load a training for a management view and authorise the current user (Flask glue).

Every domain's organizer views call `load_training_for(training_id, predicate)` first,
so 404/403 behave the same everywhere.
"""
from flask import abort
from flask_login import current_user

from bimtek.accounts import permissions
from bimtek.accounts.services import duties_for
from bimtek.core.web import get_or_404
from bimtek.extensions import login_manager
from bimtek.trainings.models import Training


def load_training_for(training_id, predicate=permissions.can_view_management):
    """(training, duties) if the current user passes `predicate`, else 403/401."""
    training = get_or_404(Training, training_id)
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    duties = duties_for(current_user, training)
    if not predicate(current_user, duties):
        abort(403)
    return training, duties


def management_flags(user, duties):
    """Which management tabs/actions the user may see, for templates."""
    return {
        "manage": permissions.can_manage_training(user, duties),
        "roster": permissions.can_manage_roster(user, duties),
        "review": permissions.can_review_plans(user, duties),
        "certificates": permissions.can_issue_certificates(user, duties),
    }
