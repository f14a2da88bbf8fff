"""The evaluation blueprint; routes live in manage_views (organizers) and participant_views (peserta)."""
from flask import Blueprint

bp = Blueprint("evaluation", __name__)
