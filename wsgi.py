"""WSGI entry point for gunicorn: `gunicorn wsgi:app`.

A missing or invalid setting prints one Indonesian line and exits with status 1 (no traceback);
gunicorn.conf.py checks the same before any worker starts.
"""
import sys

from bimtek.config import ConfigError

try:
    from bimtek import create_app

    app = create_app()
except ConfigError as error:
    error.show()
    sys.exit(error.exit_code)
