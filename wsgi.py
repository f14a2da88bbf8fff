"""WSGI entry point for gunicorn: `gunicorn wsgi:app`."""
from bimtek import create_app

app = create_app()
