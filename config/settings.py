"""Settings for OpenSPBE, read only from environment variables.

Every value has a default that lets a fresh checkout run on the embedded SQLite database under ``var/``.
Production sets ``SPBE_SECRET_KEY`` (or ``SPBE_SECRET_KEY_FILE``), ``SPBE_DEBUG=0``, ``SPBE_ALLOWED_HOSTS``
and ``DATABASE_URL=postgres://...``.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SPBE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_secret(name: str, default: str) -> str:
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def database_from_url(url: str) -> dict[str, Any]:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into a Django DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path and sqlite:////absolute/path, as in the usual convention.
        name = unquote(parsed.path)[1:] or str(VAR_DIR / "spbe.sqlite3")
        if name != ":memory:":
            # The embedded database must just work on a fresh checkout: create its folder.
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # IMMEDIATE takes the write lock when a transaction opens, so two writers never both read
            # the audit chain's head and then collide; busy writers wait instead of failing at once.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": os.environ.get("SPBE_TEST_SQLITE_NAME") or None},
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        options: dict[str, Any] = {}
        if "sslmode" in query:
            options["sslmode"] = query["sslmode"]
        if env_bool("SPBE_DB_POOL", False):
            options["pool"] = True
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": None if options.get("pool") else 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ValueError(f"DATABASE_URL must start with sqlite:// or postgres://, got {parsed.scheme!r}")


DEBUG = env_bool("SPBE_DEBUG", True)
SECRET_KEY = env_secret("SPBE_SECRET_KEY", "insecure-development-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SPBE_SECRET_KEY (or SPBE_SECRET_KEY_FILE) must be set when SPBE_DEBUG=0")
ALLOWED_HOSTS = [h for h in os.environ.get("SPBE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SPBE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before django_tasks_db: the first app listed wins a command name, and spbe.core's `db_worker`
    # (reconnecting after a database outage) must replace the package's own.
    "spbe.core",
    "django_tasks_db",
    "spbe.regions",
    "spbe.accounts",
    "spbe.reference",
    "spbe.planning",
    "spbe.budgeting",
    "spbe.portal",
    "spbe.lounge",
    "spbe.villages",
    "spbe.complaints",
    "spbe.monitoring",
    "spbe.api",
    # After the product's apps, so spbe/core/templates/ninja/ (the docs page with a way back) wins.
    "ninja",
]

MIDDLEWARE = [
    # Outermost: HEAD runs as GET inside, and only the finished response loses its body.
    "spbe.core.middleware.HeadMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "spbe.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the session, language and user are set up (lazily, so a bad cookie is never looked up) and
    # before anything reads the user or reaches a view: a NUL character never reaches a query.
    "spbe.core.middleware.RejectNulMiddleware",
    # A browser enrolled as a lounge kiosk is anonymous and never opens staff pages.
    "spbe.lounge.kiosk.KioskMiddleware",
    "spbe.accounts.signin.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "spbe.core.middleware.SpbeErrorMiddleware",
    # Innermost: sees the bare 404/405 responses Django and ninja build, before other middleware add headers.
    "spbe.core.middleware.ApiProblemMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'spbe.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Locks set by a pemda admin count as well as deactivation, on sign-in and on every request.
AUTHENTICATION_BACKENDS = ["spbe.accounts.signin.SpbeBackend"]
# Every password set goes through these (services.user_create, password_change, user_password_reset).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A stale or blocked form token gets the product's page in the user's language, not Django's English one.
CSRF_FAILURE_VIEW = "spbe.core.views.csrf_failure"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"
# Sign-in throttling, per client (IP address, or IPv6 /64): failed attempts within the window, for one
# username and over all usernames, after which that client is refused until old failures leave the window.
SPBE_SIGNIN_WINDOW_SECONDS = int(os.environ.get("SPBE_SIGNIN_WINDOW_SECONDS", "900"))
SPBE_SIGNIN_MAX_PER_USERNAME = int(os.environ.get("SPBE_SIGNIN_MAX_PER_USERNAME", "5"))
SPBE_SIGNIN_MAX_PER_CLIENT = int(os.environ.get("SPBE_SIGNIN_MAX_PER_CLIENT", "30"))
# Behind a reverse proxy: the header carrying the client's address (e.g. X-Forwarded-For); else REMOTE_ADDR.
SPBE_CLIENT_IP_HEADER = os.environ.get("SPBE_CLIENT_IP_HEADER", "")
# Complaints from the public web form one client may send per window (a flood, not a citizen).
SPBE_COMPLAINT_MAX_PER_CLIENT = int(os.environ.get("SPBE_COMPLAINT_MAX_PER_CLIENT", "5"))
SPBE_COMPLAINT_WINDOW_SECONDS = int(os.environ.get("SPBE_COMPLAINT_WINDOW_SECONDS", "3600"))
# Citizens signing up with an e-mail address (spbe.planning.citizen): requests per client and per address
# in the window, and proposals one citizen account may enter per day.
SPBE_CITIZEN_SIGNUP_MAX_PER_CLIENT = int(os.environ.get("SPBE_CITIZEN_SIGNUP_MAX_PER_CLIENT", "10"))
SPBE_CITIZEN_SIGNUP_MAX_PER_ADDRESS = int(os.environ.get("SPBE_CITIZEN_SIGNUP_MAX_PER_ADDRESS", "3"))
SPBE_CITIZEN_SIGNUP_WINDOW_SECONDS = int(os.environ.get("SPBE_CITIZEN_SIGNUP_WINDOW_SECONDS", "3600"))
SPBE_CITIZEN_PROPOSALS_PER_DAY = int(os.environ.get("SPBE_CITIZEN_PROPOSALS_PER_DAY", "5"))
# A running job that has reported no progress for this long is shown as stopped (its worker is gone).
SPBE_JOB_STALE_SECONDS = int(os.environ.get("SPBE_JOB_STALE_SECONDS", "600"))
# Proposals a kecamatan forum may forward per year when the pemda set no quota of its own (0: no limit).
SPBE_PLANNING_KECAMATAN_QUOTA = int(os.environ.get("SPBE_PLANNING_KECAMATAN_QUOTA", "0"))
# The duplicate check offers proposals of other desa whose map point lies within this many metres.
SPBE_PLANNING_DUPLICATE_DISTANCE_M = int(os.environ.get("SPBE_PLANNING_DUPLICATE_DISTANCE_M", "500"))
# Photos of one proposal: how many are shown at most, and the largest file accepted for each (bytes).
SPBE_PLANNING_PHOTOS_PER_PROPOSAL = int(os.environ.get("SPBE_PLANNING_PHOTOS_PER_PROPOSAL", "5"))
SPBE_PLANNING_PHOTO_MAX_BYTES = int(os.environ.get("SPBE_PLANNING_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
# Where citizens reach this deployment: links in e-mails sent by background work, which has no request.
# Dana Desa priority shares per year beyond those coded in spbe/villages/priorities.py (JSON, see there).
SPBE_DANA_DESA_PRIORITIES = os.environ.get("SPBE_DANA_DESA_PRIORITIES", "")
SPBE_PUBLIC_URL = os.environ.get("SPBE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Mail (to followers of proposals): printed on the console unless SPBE_EMAIL_HOST names an SMTP server.
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["SPBE_EMAIL_HOST"],
                "port": int(os.environ.get("SPBE_EMAIL_PORT", "587")),
                "username": os.environ.get("SPBE_EMAIL_USER", ""),
                "password": env_secret("SPBE_EMAIL_PASSWORD", ""),
                "use_tls": os.environ.get("SPBE_EMAIL_TLS", "1") == "1",
            },
        }
        if os.environ.get("SPBE_EMAIL_HOST")
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("SPBE_MAIL_FROM", "OpenSPBE <noreply@localhost>")

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "spbe" / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("SPBE_TIME_ZONE", "Asia/Jakarta")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
# A working day on a shared office PC or kiosk, not Django's two weeks.
SESSION_COOKIE_AGE = int(os.environ.get("SPBE_SESSION_SECONDS", str(12 * 3600)))
# HTTPS: on by default in production. SPBE_HTTPS=0 serves plain http with debug off (the local demo at
# http://127.0.0.1, scripts/serve-demo): cookies then travel without the Secure flag and no HSTS is sent.
SPBE_HTTPS = env_bool("SPBE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SPBE_HTTPS
CSRF_COOKIE_SECURE = SPBE_HTTPS
SECURE_SSL_REDIRECT = env_bool("SPBE_SSL_REDIRECT", SPBE_HTTPS)
# A year by default; browsers then refuse plain http to this host for that long, so only with real TLS.
SECURE_HSTS_SECONDS = int(os.environ.get("SPBE_HSTS_SECONDS", "31536000")) if SPBE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SPBE_HSTS_INCLUDE_SUBDOMAINS", False)
# A TLS-terminating proxy tells Django the original scheme in this header (e.g. X-Forwarded-Proto);
# without it the SSL redirect would loop. Only set it when the proxy always overwrites the header.
if os.environ.get("SPBE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["SPBE_PROXY_SSL_HEADER"].upper().replace("-", "_"),
        "https",
    )
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Maps: Leaflet is vendored (spbe/core/static/vendor/leaflet); only the tiles come from outside. The tile
# source is a setting because a regency may run its own tile server or none (empty: points without tiles,
# e.g. on an offline laptop). Its origin, and only that, is added to the CSP's img-src below.
SPBE_MAP_TILE_URL = os.environ.get("SPBE_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
SPBE_MAP_TILE_ATTRIBUTION = os.environ.get("SPBE_MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors (ODbL)")
SPBE_MAP_TILE_MAX_ZOOM = int(os.environ.get("SPBE_MAP_TILE_MAX_ZOOM", "19"))


def map_tile_origin(url: str) -> list[str]:
    """The scheme and host of a tile source, e.g. ``https://tile.openstreetmap.org``; none for no source."""
    parts = urlparse(url.replace("{s}", "a"))
    if not url or parts.scheme not in ("http", "https") or not parts.hostname:
        return []
    host = parts.netloc.split("@")[-1]
    if "{s}" in url:  # sub-domain placeholder: a.tile..., b.tile..., c.tile...
        host = "*." + host.split(".", 1)[1]
    return [f"{parts.scheme}://{host}"]


# Django's own Content-Security-Policy: nothing from outside this server, no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *map_tile_origin(SPBE_MAP_TILE_URL)],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SPBE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "spbe",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SPBE_LOG_LEVEL", "WARNING")},
}

# Where the bundled official data lives; tests and benchmarks may point it elsewhere.
SPBE_DEFAULT_BUDGET_YEAR = int(os.environ.get("SPBE_BUDGET_YEAR", "2027"))

# Uploaded photos (spbe.core.photos): bytes and decoded pixels an upload may have, and the longest side of
# the metadata-free public copy and of its thumbnail.
SPBE_PHOTO_MAX_BYTES = int(os.environ.get("SPBE_PHOTO_MAX_BYTES", str(20 * 1024 * 1024)))
SPBE_PHOTO_MAX_PIXELS = int(os.environ.get("SPBE_PHOTO_MAX_PIXELS", "64000000"))
SPBE_PHOTO_PUBLIC_SIDE = int(os.environ.get("SPBE_PHOTO_PUBLIC_SIDE", "1600"))
SPBE_PHOTO_THUMBNAIL_SIDE = int(os.environ.get("SPBE_PHOTO_THUMBNAIL_SIDE", "320"))
# E-monitoring: a progress photo is flagged when taken farther than this from its project, or this many days
# before its report.
SPBE_MONITORING_PHOTO_MAX_DISTANCE_M = int(os.environ.get("SPBE_MONITORING_PHOTO_MAX_DISTANCE_M", "500"))
SPBE_MONITORING_PHOTO_MAX_AGE_DAYS = int(os.environ.get("SPBE_MONITORING_PHOTO_MAX_AGE_DAYS", "7"))
# RFK: financial and physical progress of a sub-kegiatan further apart than this many percentage points are
# flagged (paid but not built, built but not paid).
SPBE_MONITORING_DIVERGENCE_POINTS = Decimal(os.environ.get("SPBE_MONITORING_DIVERGENCE_POINTS", "20"))
