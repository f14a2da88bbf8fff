"""Configuration: the ONLY module that reads os.environ.

`Config` holds production defaults (embedded SQLite under instance/), `TestConfig` the
test overrides. `create_app(config=None)` accepts either class or a plain mapping.
"""
import os
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
_PROBLEMS: list[str] = []  # settings that could not be read; reported by validate_config as one line


class ConfigError(click.ClickException):
    """A missing or invalid setting: the CLI and gunicorn print one Indonesian line and exit with status 1."""

    exit_code = 1

    def show(self, file=None):
        # ClickException.show would prefix the English "Error: "; the message is complete on its own.
        click.echo(self.message, file=file or sys.stderr)


def _env(name, default=None):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _number_env(name, default, kind=int):
    """A numeric setting; a malformed value is remembered (reported at start-up) and the default used."""
    raw = _env(name, str(default))
    try:
        return kind(raw)
    except ValueError:
        what = "bilangan bulat" if kind is int else "angka"
        _PROBLEMS.append(f"{name} harus {what}, bukan {raw!r}")
        return kind(default)


def _database_url():
    url = _env("DATABASE_URL")
    if url and url.startswith("postgres://"):  # Heroku-style scheme SQLAlchemy no longer accepts
        url = "postgresql://" + url[len("postgres://"):]
    return url or f"sqlite:///{ROOT / 'instance' / 'bimtek.sqlite3'}"


class Config:
    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    # No pool_pre_ping: core.database pings only connections that sat idle in the pool (one round trip less
    # per request under load).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    DATA_DIR = _env("BIMTEK_DATA_DIR", str(ROOT / "instance"))
    CERTIFICATE_DESIGNS_DIR = _env("CERTIFICATE_DESIGNS_DIR", str(ROOT / "certificates"))
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
    REDIS_URL = _env("REDIS_URL")

    # Background jobs: a running job writes a heartbeat; one whose heartbeat is older than JOBS_STALE_SECONDS
    # counts as dead and is taken over by the watchdog thread of any server or RQ worker process, which looks
    # every JOBS_WATCHDOG_SECONDS (defaults: picked up again within 60 + 20 s, inside the promised two minutes).
    JOBS_STALE_SECONDS = float(_env("JOBS_STALE_SECONDS", "60"))
    JOBS_WATCHDOG_SECONDS = float(_env("JOBS_WATCHDOG_SECONDS", "20"))
    JOBS_WATCHDOG = _env("JOBS_WATCHDOG", "1") == "1"
    JOBS_QUEUE = _env("JOBS_QUEUE", "bimtek")  # RQ queue name
    JOBS_SYNCHRONOUS = False  # run a job inside the request that starts it (tests only)
    # Bulk certificate issue: certificates per transaction, per chunk job (scale-out with REDIS_URL: every
    # `run-worker` takes chunks), and render processes per job process.
    CERTIFICATES_BULK_BATCH = _number_env("CERTIFICATES_BULK_BATCH", 250)
    CERTIFICATES_BULK_CHUNK = _number_env("CERTIFICATES_BULK_CHUNK", 1000)
    CERTIFICATES_RENDER_PROCESSES = _number_env("CERTIFICATES_RENDER_PROCESSES", 2)
    # Laporan kegiatan: a training whose daftar hadir has at most this many rows (registered × sessions) gets its
    # file in the request that asks for it; a bigger one is built by a background job (progress, then download).
    REPORT_INLINE_MAX_ROWS = _number_env("REPORT_INLINE_MAX_ROWS", 300)
    # The report page computes its figures per view up to this many registered participants (0.13 s CPU at 1,000); a
    # bigger training shows those of the last computation (a background job, or a DOCX/PDF build) with its time.
    REPORT_FIGURES_INLINE_MAX = _number_env("REPORT_FIGURES_INLINE_MAX", 1000)
    MAIL_BACKGROUND = None  # deliver mail from a background thread after each commit; None: yes unless TESTING

    # Uploads (attendance logs, RTL attachments, signature images, signed PDFs)
    MAX_CONTENT_LENGTH = _number_env("MAX_UPLOAD_MB", 20) * 1024 * 1024
    ATTENDANCE_MAX_UPLOAD_MB = _number_env("ATTENDANCE_MAX_UPLOAD_MB", 10, float)  # per attendance log file

    # Electronic signatures (TTE, issue 17). The PKCS#12 password may live here (or be typed at signing time);
    # the BSrE passphrase/TOTP never does. TTE_TSA_URL: RFC 3161 timestamp authority (B-T); TTE_LONG_TERM=1
    # adds revocation data (B-LT) when it can be fetched. BSRE_*: the BSrE e-sign API v2 (HTTP Basic).
    TTE_PKCS12_PASSWORD = _env("TTE_PKCS12_PASSWORD")
    TTE_TSA_URL = _env("TTE_TSA_URL", "")
    TTE_LONG_TERM = _env("TTE_LONG_TERM", "0") == "1"
    BSRE_API_URL = _env("BSRE_API_URL", "")
    BSRE_CLIENT_ID = _env("BSRE_CLIENT_ID", "")
    BSRE_CLIENT_SECRET = _env("BSRE_CLIENT_SECRET", "")
    BSRE_BATCH_SIZE = _number_env("BSRE_BATCH_SIZE", 20)
    BSRE_TIMEOUT_SECONDS = _number_env("BSRE_TIMEOUT_SECONDS", 60, float)

    # i18n
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")

    # Mail: without MAIL_SERVER, mails go to the outbox folder under DATA_DIR.
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = _number_env("MAIL_PORT", 587)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_USE_TLS = _env("MAIL_USE_TLS", "1") == "1"
    MAIL_SENDER = _env("MAIL_SENDER", "Bimtek <noreply@bimtek.local>")

    # Running the training (issue 19): provider's hourly sending cap (0: none), an extra CA bundle for a Dinas
    # mail server with its own certificate authority, reminder lead time, handout size limit.
    MAIL_MAX_PER_HOUR = _number_env("MAIL_MAX_PER_HOUR", 0)
    MAIL_CA_FILE = _env("MAIL_CA_FILE", "")
    REMINDER_MINUTES_BEFORE = _number_env("REMINDER_MINUTES_BEFORE", 60)
    MATERIALS_MAX_UPLOAD_MB = _number_env("MATERIALS_MAX_UPLOAD_MB", 15, float)

    # Security
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # forms stay valid for the whole session; token is still per-session
    PREFERRED_URL_SCHEME = _env("PREFERRED_URL_SCHEME", "http")
    # Shared by all worker processes: Redis when configured, otherwise the application database.
    RATELIMIT_STORAGE_URI = _env("REDIS_URL", "bimtek+db://")
    RATELIMIT_ENABLED = True
    # The verify page's log row (one per QR scan, PostgreSQL) is committed without waiting for the disk; a crash of
    # the database server may lose the last fraction of a second of log rows. 1: wait for every commit.
    VERIFY_LOG_SYNC_COMMIT = _env("VERIFY_LOG_SYNC_COMMIT", "0") == "1"
    # Number of reverse proxies in front of the app (e.g. 1 for nginx/Caddy terminating TLS). When set, the client
    # address, scheme and host come from X-Forwarded-For/-Proto/-Host (rate limits per real client, https URLs).
    TRUSTED_PROXIES = _number_env("TRUSTED_PROXIES", 0)

    # Zoom (issue 16): API base URLs (tests point them at a local stand-in), the pull delay after a session ends
    # (Zoom finalises reports late), the webhook secret token, and the key that encrypts stored client secrets
    # (derived from SECRET_KEY when BIMTEK_ENCRYPTION_KEY is not set).
    ZOOM_API_URL = _env("ZOOM_API_URL", "https://api.zoom.us/v2")
    ZOOM_OAUTH_URL = _env("ZOOM_OAUTH_URL", "https://zoom.us/oauth/token")
    ZOOM_PULL_DELAY_MINUTES = _number_env("ZOOM_PULL_DELAY_MINUTES", 30)
    ZOOM_WEBHOOK_SECRET_TOKEN = _env("ZOOM_WEBHOOK_SECRET_TOKEN")
    BIMTEK_ENCRYPTION_KEY = _env("BIMTEK_ENCRYPTION_KEY")

    # Data protection (UU PDP): contact of the data protection officer, retention in days.
    DPO_CONTACT = _env("DPO_CONTACT", "ppid@dkpus.babelprov.go.id")
    RETENTION_DAYS = _number_env("RETENTION_DAYS", 1825)


class DevConfig(Config):
    """Local demo: a fixed development key is acceptable only here."""

    SECRET_KEY = _env("SECRET_KEY", "dev-only-not-secret")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"  # nosec B105  # TestConfig only; production refuses to start without SECRET_KEY
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    JOBS_WATCHDOG = False  # tests start watchdogs themselves (or run real server processes)
    BASE_URL = "http://localhost"
    SERVER_NAME = None


def validate_config(config):
    """Fail fast at startup on settings the app cannot run without (ConfigError: one line, exit status 1)."""
    problems = list(_PROBLEMS)
    if not config.get("SECRET_KEY"):
        problems.append("SECRET_KEY belum diatur: setel variabel lingkungan SECRET_KEY "
                        "(atau BIMTEK_DEMO=1 / FLASK_DEBUG=1 untuk mode pengembangan)")
    if problems:
        raise ConfigError("Konfigurasi belum lengkap: " + "; ".join(problems) + ".")
    try:
        if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
            Path(config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        Path(config["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"Folder data tidak dapat dibuat ({error.filename}): {error.strerror}. "
                          "Periksa BIMTEK_DATA_DIR dan DATABASE_URL.") from None


def default_config():
    """Pick the config class for a plain `create_app()` call."""
    return DevConfig if _env("FLASK_DEBUG") == "1" or _env("BIMTEK_DEMO") == "1" else Config


def test_database_url():
    """The database the test-suite should use (SQLite file unless TEST_DATABASE_URL is set)."""
    return _env("TEST_DATABASE_URL")
