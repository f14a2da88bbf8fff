"""Object-level access rules as pure predicates over plain attributes.

`duties` is the set of Duty values the user holds in the training (empty for others).
Views compute it once via services.duties_for(user, training) and call these.
"""
ADMIN, STAFF, PESERTA = "admin", "staff", "peserta"
PANITIA, REVIEWER, PENANDATANGAN = "panitia", "reviewer", "penandatangan"


def is_admin(user):
    """Dinas admin: full control of every training."""
    return bool(user and getattr(user, "is_authenticated", False) and user.role == ADMIN)


def can_create_training(user):
    """Only Dinas admins create trainings."""
    return is_admin(user)


def can_view_management(user, duties):
    """Any staff duty in the training (or admin) opens its management pages."""
    return is_admin(user) or bool(duties)


def can_manage_training(user, duties):
    """Edit training data, schedule, materi and staff: admin only."""
    return is_admin(user)


def can_manage_roster(user, duties):
    """Roster and attendance work: admin or panitia of this training."""
    return is_admin(user) or PANITIA in duties


def can_review_plans(user, duties):
    """RTL review: admin or reviewer of this training."""
    return is_admin(user) or REVIEWER in duties


def can_issue_certificates(user, duties):
    """Issue/revoke certificates: admin or penandatangan of this training."""
    return is_admin(user) or PENANDATANGAN in duties


def owns_registration(user, registration):
    """A participant reaches only registrations linked to their own account."""
    return bool(user and getattr(user, "is_authenticated", False) and registration.user_id == user.id)
