"""gunicorn reads this file from the working directory: settings are checked once in the master,
so a missing SECRET_KEY stops `gunicorn wsgi:app` with one Indonesian line and exit status 1
instead of workers failing (and being restarted) with tracebacks."""
import sys


def on_starting(server):
    from bimtek import config

    try:
        config.validate_config(vars_of(config.default_config()))
    except config.ConfigError as error:
        error.show()
        sys.exit(error.exit_code)


def vars_of(config_class):
    """The upper-case settings of a config class as a mapping."""
    return {name: getattr(config_class, name) for name in dir(config_class) if name.isupper()}
