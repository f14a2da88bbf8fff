"""The registration blueprint, shared by the portal/roster views and the participant sign-in views."""
from flask import Blueprint

bp = Blueprint("registration", __name__)
