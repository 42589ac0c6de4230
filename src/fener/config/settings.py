"""Fener settings, read from the environment.

Everything an operator sets is an environment variable:

- ``DATABASE_URL``: PostgreSQL in production (``postgres://user:pass@host:5432/fener``);
  when absent, an embedded SQLite database in WAL mode under ``FENER_HOME``.
- ``FENER_SECRET_KEY``: Django's signing key. Required unless ``DEBUG`` is on.
- ``FENER_DATA_KEY``: the secret that encrypts identity data at field level (at least 32
  characters; several separated by commas while rotating: the first encrypts, all decrypt; see
  ``fener cases rotate-key``). Required unless ``DEBUG`` is on.
- ``DEBUG``: ``1`` for development only.
- ``FENER_HOME``: where the embedded database and collected static files live (default ``./var``).
- ``FENER_ALLOWED_HOSTS``: comma-separated host names (default ``127.0.0.1,localhost``).
- ``FENER_TLS``: ``1`` (default) when served behind HTTPS: secure cookies, HSTS, redirects.
  ``fener demo`` sets it to ``0`` because it serves plain HTTP on the loopback interface.
- ``FENER_TRUSTED_PROXY``: the reverse proxy's address; ``FENER_TRUST_REQUEST_ID=1`` when it
  sets ``X-Request-ID``.
- ``FENER_SESSION_IDLE_MINUTES`` / ``FENER_SESSION_MAX_HOURS``: session expiry.
- ``FENER_LOGIN_FAILURE_LIMIT`` / ``FENER_LOGIN_LOCKOUT_MINUTES``: lock-out after failed log-ins.
- ``FENER_EMAIL_HOST`` (with ``FENER_EMAIL_PORT``, ``FENER_EMAIL_USER``,
  ``FENER_EMAIL_PASSWORD``, ``FENER_EMAIL_FROM``): SMTP with STARTTLS; without it, mail is
  written to the console.
- ``FENER_HELP_CONTACTS``: the hotlines the public "check a job offer" page lists, as JSON:
  ``[{"name": {"mk": "...", "sq": "...", "en": "..."}, "phone": "...", "email": "...",
  "url": "..."}]`` (a name may also be one string). Default: police 192 and the European
  emergency number 112. Active NGOs of the directory are listed after them.
- ``FENER_PUBLIC_CHECKS_PER_MINUTE`` (30), ``FENER_PUBLIC_REPORTS_PER_HOUR`` (5),
  ``FENER_PUBLIC_CHECK_API_RATE`` ("30/min"): flood limits of the public page and its API, per
  client address; ``FENER_FEED_PULL_MINUTES`` (15): how often a feed source is due.
- ``FENER_CASE_RETENTION`` ("default=5,not_a_victim=2,child=10"): years after a case closes
  (by closure reason; ``child`` is the minimum for a child's case) before its identity data
  are erased and the case kept only anonymised.
- ``FENER_REFLECTION_PERIOD_DAYS`` (60): a foreign victim's reflection and recovery period.
- ``FENER_REFERRAL_RESPONSE_DAYS`` (5): default deadline to answer a case referral.
- ``FENER_STATISTICS_K`` (10): the k of the anonymised case statistics export.
- ``FENER_DOCUMENT_MAX_BYTES`` (10 MB): the largest photo or document in the identity vault.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


PACKAGE_DIR = Path(__file__).resolve().parent.parent
FENER_HOME = Path(os.environ.get("FENER_HOME", "var")).resolve()

DEBUG = env_flag("DEBUG", False)
TLS = env_flag("FENER_TLS", True)

SECRET_KEY = os.environ.get("FENER_SECRET_KEY", "")
FENER_DATA_KEY = os.environ.get("FENER_DATA_KEY", "")
if not DEBUG:
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "FENER_SECRET_KEY must be set to a random value of at least 50 characters "
            "(or run with DEBUG=1 for development)."
        )
    if not FENER_DATA_KEY:
        raise ImproperlyConfigured(
            "FENER_DATA_KEY must be set: it encrypts identity data (see docs/operations.md)."
        )
elif not SECRET_KEY:
    SECRET_KEY = "development-only-insecure-key-" + "x" * 40

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("FENER_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "fener.core",
    "fener.adwatch",
    "fener.cases",
    "fener.network",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fener.core.middleware.RequestIdMiddleware",
    "fener.core.middleware.InputSanityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fener.core.middleware.SessionExpiryMiddleware",
    "fener.core.middleware.TwoFactorEnforcementMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fener.config.urls"
WSGI_APPLICATION = "fener.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fener.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = FENER_HOME / "fener.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    FENER_HOME.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # WAL lets the web server read while the task worker writes; IMMEDIATE
                # transactions take the write lock up front instead of failing half-way.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "fener.core.backends.InstitutionAwareBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Lock-out after repeated failures (django-axes), per user name so that rotating addresses
# does not help an attacker; the lock lifts by itself after the cool-off period.
AXES_FAILURE_LIMIT = env_int("FENER_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FENER_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fener.core.views.auth.locked_out"
AXES_VERBOSE = False
# axes warns when the IP address is not a lock-out parameter. Offices behind one NAT address
# would lock each other out; password spraying is answered by the password policy instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions: an idle timeout and an absolute lifetime, both enforced server-side.
FENER_SESSION_IDLE_MINUTES = env_int("FENER_SESSION_IDLE_MINUTES", 30)
FENER_SESSION_MAX_HOURS = env_int("FENER_SESSION_MAX_HOURS", 10)
SESSION_COOKIE_AGE = FENER_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = "Fener"

# --- Transport security ---------------------------------------------------------------------
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
SECURE_SSL_REDIRECT = TLS and not DEBUG
SECURE_HSTS_SECONDS = 31536000 if TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = TLS
SECURE_HSTS_PRELOAD = TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TLS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a reverse proxy: its address (for waitress' trusted_proxy, so that the client address
# in the audit log is the client's), and whether it sets X-Request-ID for us.
FENER_TRUSTED_PROXY = os.environ.get("FENER_TRUSTED_PROXY", "")
FENER_TRUST_REQUEST_ID = env_flag("FENER_TRUST_REQUEST_ID", False)
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("FENER_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "mk"
LANGUAGES = [("mk", "Македонски"), ("sq", "Shqip"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "core" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Skopje"
LANGUAGE_COOKIE_NAME = "fener_language"
LANGUAGE_COOKIE_SECURE = TLS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files (served locally, never from a CDN) ----------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = FENER_HOME / "static"
# whitenoise expects the folder; ``fener manage collectstatic`` fills it in production.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- E-mail ---------------------------------------------------------------------------------
if os.environ.get("FENER_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["FENER_EMAIL_HOST"],
                "port": env_int("FENER_EMAIL_PORT", 587),
                "username": os.environ.get("FENER_EMAIL_USER", ""),
                "password": os.environ.get("FENER_EMAIL_PASSWORD", ""),
                "use_tls": True,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("FENER_EMAIL_FROM", "fener@localhost")
FENER_BASE_URL = os.environ.get("FENER_BASE_URL", "http://127.0.0.1:8000")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fener.core.api.authentication.FenerTokenAuthentication",
        "fener.core.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"user": "1200/min", "anon": "60/min"},
    "DEFAULT_THROTTLE_CLASSES": [
        "fener.core.api.throttling.HashedUserRateThrottle",
        "fener.core.api.throttling.HashedAnonRateThrottle",
    ],
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=90),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 10,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fener API",
    "DESCRIPTION": (
        "The Fener counter-trafficking platform. Every endpoint answers through the same "
        "permission gatekeeper as the web interface: a record you may not see is a 404."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# --- The public "check a job offer" page ---------------------------------------------------
_DEFAULT_HELP_CONTACTS = [
    {
        "name": {"mk": "Полиција", "sq": "Policia", "en": "Police"},
        "phone": "192",
    },
    {
        "name": {
            "mk": "Европски број за итни случаи",
            "sq": "Numri evropian i emergjencës",
            "en": "European emergency number",
        },
        "phone": "112",
    },
]
try:
    FENER_HELP_CONTACTS = json.loads(os.environ.get("FENER_HELP_CONTACTS") or "null")
except ValueError as error:
    raise ImproperlyConfigured(f"FENER_HELP_CONTACTS is not valid JSON: {error}") from error
if FENER_HELP_CONTACTS is None:
    FENER_HELP_CONTACTS = _DEFAULT_HELP_CONTACTS
elif not isinstance(FENER_HELP_CONTACTS, list) or not all(
    isinstance(entry, dict) for entry in FENER_HELP_CONTACTS
):
    raise ImproperlyConfigured("FENER_HELP_CONTACTS must be a JSON list of objects")

# Flood limits of the public "check a job offer" page and its API, per client address, and how
# often feeds are pulled (the page's counters are database rows, the API's in the cache below).
FENER_PUBLIC_CHECKS_PER_MINUTE = env_int("FENER_PUBLIC_CHECKS_PER_MINUTE", 30)
FENER_PUBLIC_REPORTS_PER_HOUR = env_int("FENER_PUBLIC_REPORTS_PER_HOUR", 5)
FENER_PUBLIC_CHECK_API_RATE = os.environ.get("FENER_PUBLIC_CHECK_API_RATE", "30/min")
FENER_FEED_PULL_MINUTES = env_int("FENER_FEED_PULL_MINUTES", 15)
# Feeds are fetched from public addresses only; a private range can be allowed explicitly
# (comma-separated networks, e.g. "10.20.0.0/16" for a partner's crawler inside the network).
FENER_FEED_ALLOWED_NETWORKS = [
    network.strip()
    for network in os.environ.get("FENER_FEED_ALLOWED_NETWORKS", "").split(",")
    if network.strip()
]

# In the database, so that every server process and the worker share it: flood counters of the
# public page, and the "operations refresh pending" flag that the worker clears.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "fener_cache",
        # Culling deletes rows in key order; keep it far away (throttles, flags).
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FENER_LOG_LEVEL", "WARNING")},
}


def env_retention(name: str, default: str) -> dict[str, int]:
    """``default=5,not_a_victim=2,child=10``: years after closure before identity is erased."""
    schedule: dict[str, int] = {}
    for part in os.environ.get(name, default).split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not value.strip().isdigit():
            raise ImproperlyConfigured(
                f"{name} must look like 'default=5,not_a_victim=2,child=10', not {part!r}"
            )
        schedule[key.strip()] = int(value)
    schedule.setdefault("default", 5)
    return schedule


# Victim cases (fener.cases)
FENER_CASE_RETENTION_YEARS = env_retention(
    "FENER_CASE_RETENTION", "default=5,not_a_victim=2,child=10"
)
FENER_REFLECTION_PERIOD_DAYS = env_int("FENER_REFLECTION_PERIOD_DAYS", 60)
FENER_REFERRAL_RESPONSE_DAYS = env_int("FENER_REFERRAL_RESPONSE_DAYS", 5)
FENER_STATISTICS_K = env_int("FENER_STATISTICS_K", 10)
FENER_DOCUMENT_MAX_BYTES = env_int("FENER_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
