"""The certificates blueprint, shared by the organizer/participant views and the public verifier views."""
from flask import Blueprint

bp = Blueprint("certificates", __name__)
