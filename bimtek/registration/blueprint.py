"""The registration blueprint, shared by the portal/roster views and the participant sign-in views."""
from flask import Blueprint

from bimtek.registration.nip import format_nip

bp = Blueprint("registration", __name__)


@bp.app_template_filter("nip")
def nip_filter(value):
    """An 18-digit NIP grouped for reading (8-6-1-3); anything else unchanged."""
    return format_nip(value) if value and len(str(value)) == 18 else (value or "")
