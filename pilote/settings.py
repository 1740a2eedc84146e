"""Pilote settings, read from the environment with safe local defaults.

DJANGO_ENV=production switches on every production safeguard and requires DJANGO_SECRET_KEY,
PILOTE_CHAIN_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL from the environment. DEBUG is off unless DJANGO_DEBUG=1
(`make run` sets it).
"""

import importlib.util
import os
import time
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PILOTE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG") and not PRODUCTION
# Django's technical error pages (English, with the traceback) only when asked for; otherwise Pilote's own
# French pages are shown even with DEBUG on (core.errors.FrenchErrorPagesMiddleware).
PILOTE_TECHNICAL_ERRORS = env_bool("PILOTE_TECHNICAL_ERRORS")


def _local_key(name: str, size: int) -> str:
    """A key generated once in var/ for a local install. Created exclusively (O_EXCL): processes starting
    together (test workers, the server and its worker) all read the one key the first of them wrote."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        import secrets  # only when the key is made: manage.py's direct trial balance imports these settings

        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(size))
    for _ in range(50):  # another process may be writing it this very moment
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise ImproperlyConfigured(f"{path} is empty: delete it and start again.")


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
    return _local_key("secret_key", 50)  # local installs keep it so sessions survive restarts


SECRET_KEY = _secret_key()


def _chain_key() -> str:
    """The key of the inalterability chains (HMAC, `pilote.lib.sealing`). It lives outside the database, so
    someone who can only write to the database cannot recompute a valid chain after a change. Production
    reads it from the environment; a local install keeps a generated one in var/. Never rotate it: the
    chains sealed with it would no longer verify."""
    key = os.environ.get("PILOTE_CHAIN_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("PILOTE_CHAIN_KEY must be set in production.")
    return _local_key("chain_key", 48)


PILOTE_CHAIN_KEY = _chain_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# django-ninja is not an installed app: importing it (and pydantic) weighed on every `manage.py` start-up.
# Its Swagger UI templates and static files (served locally, no CDN) are found through these directories, located
# without importing the package; `pilote.api.base.LocalSwagger` renders them.
NINJA_DIR = Path(importlib.util.find_spec("ninja").origin).parent

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "formtools",
    "axes",
    "django_tasks",  # Django's Tasks API (backport of Django 6's django.tasks)
    "django_tasks_db",  # its database backend: the queue is a table, workers run `manage.py db_worker`
    "pilote.core",
    "pilote.contacts",
    "pilote.catalog",
    "pilote.ledger",
    "pilote.pipeline",
    "pilote.sales",
    "pilote.receivables",
    "pilote.purchases",
    "pilote.complaints",
    "pilote.ereporting",
    "pilote.quality",
    "pilote.hr",
    "pilote.finance",
    "pilote.associations",
    "pilote.projects",
    "pilote.operations",
    "pilote.dashboards",
    "pilote.office",
    "pilote.takeover",
    "pilote.api",
]

MIDDLEWARE = [
    "pilote.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "pilote.core.errors.FrenchErrorPagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "pilote.core.middleware.NulCharacterMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pilote.core.middleware.SetupRequiredMiddleware",
    "pilote.core.middleware.FriendlyErrorsMiddleware",
    "pilote.core.listing.ExportLimitMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pilote.urls"
WSGI_APPLICATION = "pilote.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pilote" / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pilote.core.context_processors.shell",
            ],
            "builtins": ["pilote.core.templatetags.pilote"],
        },
    }
]

# Database: DATABASE_URL selects it; unset means the SQLite file under var/.
# Production names its database explicitly: a missing variable must not silently start on an empty SQLite file.
_default_sqlite = f"sqlite:///{VAR_DIR / 'pilote.sqlite3'}"
if PRODUCTION and not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set in production.")
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_sqlite, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so two
        # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    if DATABASES["default"]["NAME"] and DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # models.W040 « SQLite does not support indexes with non-key columns »: the aged balance's covering index
    # (ledger.OpenItemParty, INCLUDE debit and credit, for PostgreSQL's index-only scans) is made on SQLite without
    # its included columns, which is all SQLite can do; the warning printed by every command told its users nothing
    # they could act on. PostgreSQL never raises it, and the model keeps one migration history for both databases.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("PILOTE_TEST_DB", "test_pilote")
    # A kept connection is checked before a request uses it: after a PostgreSQL restart every kept connection is
    # dead, and without the check each one failed its next request with a 500 (bench/faults.py).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Django's backend, waiting up to PILOTE_DB_CONNECT_WAIT seconds for a server that refuses new connections
    # while it restarts, instead of answering every request of those seconds with the 503 (pilote/core/db).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "pilote.core.db.postgresql"
PILOTE_DB_CONNECT_WAIT = float(os.environ.get("PILOTE_DB_CONNECT_WAIT", "10"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password-reset link (core.views.passwords) works once, for two hours.
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login throttling: 5 failures for one username from one address lock it for 15 minutes.
# Background tasks (core/jobs.py): the queue is a table of the application's database, shared by every
# worker (`manage.py db_worker`) of every machine.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AXES_FAILURE_LIMIT = int(os.environ.get("PILOTE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]  # the UI is French whatever the browser asks for
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Typed amounts may carry thousand separators (« 1 290,50 » is read as 1290.50), but numbers printed raw
# into pages are never grouped (pilote/formats/fr: NUMBER_GROUPING = 0): an id in a form value or a link
# must stay « 2087 », not « 2 087 ». Amounts and counts people read go through the eur / frnum filters.
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["pilote.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("PILOTE_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
STATICFILES_DIRS = [BASE_DIR / "pilote" / "static", NINJA_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(os.environ.get("PILOTE_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Uploads (pilote/core/uploads.py): a file over 1 MB is written to a temporary file as it arrives, never held
# in memory; past the largest limit below its chunks are dropped and the form refuses it by name. Limits per
# kind of file, in bytes (PILOTE_UPLOAD_MAX_BYTES_<KIND> in the environment); the FEC keeps PILOTE_FEC_MAX_BYTES.
FILE_UPLOAD_HANDLERS = [
    "pilote.core.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # the form fields other than files
_MB = 1024 * 1024
PILOTE_UPLOAD_MAX_BYTES = {
    kind: int(os.environ.get(f"PILOTE_UPLOAD_MAX_BYTES_{kind.upper()}", default))
    for kind, default in {
        "bank": 20 * _MB,
        "contacts": 10 * _MB,
        "logo": 2 * _MB,
        "tender": 20 * _MB,
        "einvoice": 10 * _MB,
        "budget": 5 * _MB,
        "other": 10 * _MB,
    }.items()
}
PILOTE_FEC_MAX_BYTES = int(os.environ.get("PILOTE_FEC_MAX_BYTES", str(300 * _MB)))
# Invoice PDFs rendered at once across every process (PostgreSQL advisory locks, sales/issuing.py): rendering is
# CPU-bound, and more renders than the cores left free would starve every other request (issue 17 point 11).
# A background job whose progress file (rewritten every 10 s by the process running it) has not moved for this
# long is taken as interrupted — its worker died — and may be started again from its page (core/jobs.py).
PILOTE_JOBS_STALE_AFTER_S = int(os.environ.get("PILOTE_JOBS_STALE_AFTER_S", "120"))
PILOTE_PDF_RENDER_SLOTS = int(os.environ.get("PILOTE_PDF_RENDER_SLOTS", str(max(1, (os.cpu_count() or 2) - 1))))
# The address users reach Pilote at (« https://pilote.example.fr »): the links of e-mails sent by scheduled work,
# which has no request to read it from (office task reminders, waiting-list offers).
PILOTE_SITE_URL = os.environ.get("PILOTE_SITE_URL", "").rstrip("/")

SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the pages load scripts, styles, images and fonts from Pilote only,
# and nothing inline — no <script> with code, no on… attributes, no style attributes (a test reads every
# template; behaviours live in static/pilote/*.js, looks in the stylesheets). htmx is told not to inject
# its indicator <style> (meta htmx-config in base.html; the rules are in pilote.css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the API documentation (Swagger UI) draws its icons as data: images
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production.")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("PILOTE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("PILOTE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

EMAIL_BACKEND = os.environ.get(
    "PILOTE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("PILOTE_FROM_EMAIL", "pilote@localhost")
# SMTP server (production), or PILOTE_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend to
# write each message under var/mail in development.
EMAIL_HOST = os.environ.get("PILOTE_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PILOTE_SMTP_PORT", "587" if PRODUCTION else "25"))
EMAIL_HOST_USER = os.environ.get("PILOTE_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PILOTE_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PILOTE_SMTP_TLS", PRODUCTION)
EMAIL_TIMEOUT = 20
EMAIL_FILE_PATH = VAR_DIR / "mail"

# Every line carries the request's id and the user (pilote/core/logs.py); JSON lines in production.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "pilote.core.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "pilote.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s %(user)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "json" if env_bool("PILOTE_LOG_JSON", default=not DEBUG) else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PILOTE_LOG_LEVEL", "WARNING")},
}

PILOTE_PAGE_SIZE = 50
