"""Settings read from the environment, each with a safe default for the demo.

DATABASE_URL          default: SQLite file in the data dir
JIUZHU_DATA_DIR       default: ./var (database, secret keys, uploads, exports)
JIUZHU_SECRET_KEY_FILE default: <data dir>/secret_key (created by the first `jiuzhu` command)
JIUZHU_PII_KEY_FILE   default: <data dir>/pii_key (created by the first `jiuzhu` command)
JIUZHU_AUDIT_KEY_FILE default: <data dir>/audit_key (created by the first `jiuzhu` command)
JIUZHU_AUDIT_ANCHOR_FILE default: <data dir>/audit_anchor.log (the audit log's signed checkpoints)
JIUZHU_DEBUG          default: off
JIUZHU_ALLOWED_HOSTS  default: localhost,127.0.0.1
JIUZHU_TASK_BACKEND   default: database ("immediate" runs jobs inside the request)

Importing this module writes nothing: the data dir and the keys are made by `jiuzhu.datadir.prepare()`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from jiuzhu import datadir

BASE_DIR = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def envbool(name: str, default: bool = False) -> bool:
    """A switch: a typo ("ture") must stop the start, not silently turn a protection off."""
    value = os.environ.get(name)
    word = (value or "").strip().lower()
    if not word:  # unset, or set to nothing (`JIUZHU_DEBUG= jiuzhu …`)
        return default
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} 不是开关值，应为 {'/'.join(sorted(_TRUE))}（开）或 {'/'.join(sorted(_FALSE))}（关）"
    )


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DATA_DIR = datadir.data_dir()

# Empty until `prepare()` has run: Django then refuses to sign anything ("SECRET_KEY must not be empty").
SECRET_KEY = datadir.read_key(datadir.SECRET_KEY)
# Never empty: core.pii would quietly derive a key from "" and encrypt with it. This marker is not hex, so
# encrypting or looking anything up fails loudly until `jiuzhu migrate` (or any `jiuzhu` command) made the key.
PII_KEY = datadir.read_key(datadir.PII_KEY) or "missing-pii-key-run-a-jiuzhu-command-first"
# Where the keyring lives, so that a running server re-reads it after `jiuzhu keys rotate` (core.pii);
# "" when the key comes from JIUZHU_PII_KEY (a rotation then needs the environment changed and a restart).
PII_KEY_FILE = "" if os.environ.get(datadir.PII_KEY.value_var) else str(datadir.key_path(datadir.PII_KEY))
# The audit chain's key (core.audit): not hex until the key file exists, so that audit_record fails loudly.
AUDIT_KEY = datadir.read_key(datadir.AUDIT_KEY) or "missing-audit-key-run-a-jiuzhu-command-first"
AUDIT_ANCHOR_FILE = datadir.audit_anchor_path()

DEBUG = envbool("JIUZHU_DEBUG", False)
# The test client's "testserver" is added by Django's test set-up itself, never by default in production.
ALLOWED_HOSTS = os.environ.get("JIUZHU_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-ninja serves its own Swagger UI files from static when installed, not from a CDN (offline intranet).
    "ninja",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "jiuzhu.core",
    "jiuzhu.regions",
    "jiuzhu.accounts",
    "jiuzhu.registry",
    "jiuzhu.policy",
    "jiuzhu.cases",
    "jiuzhu.payments",
    "jiuzhu.matching",
    "jiuzhu.monitoring",
    "jiuzhu.grievances",
    "jiuzhu.charity",
    "jiuzhu.reports",
    "jiuzhu.portal",
    "jiuzhu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jiuzhu.core.middleware.SecurityHeadersMiddleware",
    "jiuzhu.core.middleware.ControlCharacterMiddleware",
]

ROOT_URLCONF = "jiuzhu.urls"
WSGI_APPLICATION = "jiuzhu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiuzhu.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES: dict[str, Any] = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'jiuzhu.sqlite3'}",
        # Persistent connections (checked before reuse): opening a PostgreSQL connection per request costs
        # more than most pages. JIUZHU_DB_CONN_MAX_AGE=0 closes each at the end of its request.
        conn_max_age=envint("JIUZHU_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-64000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["jiuzhu.accounts.backends.LockoutBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login protection: this many failed attempts at one username from one address lock that pair for the window
# (accounts.backends: other addresses are not locked out, and unknown usernames lock the same way).
JIUZHU_LOGIN_MAX_FAILURES = envint("JIUZHU_LOGIN_MAX_FAILURES", 5)
JIUZHU_LOGIN_LOCK_MINUTES = envint("JIUZHU_LOGIN_LOCK_MINUTES", 15)
# Behind a reverse proxy every request comes from the proxy: name the request header (as Django's META key,
# e.g. HTTP_X_REAL_IP) the proxy sets to the client's address. Empty: the connection's own address.
JIUZHU_CLIENT_IP_HEADER = os.environ.get("JIUZHU_CLIENT_IP_HEADER", "")

# Django's database sessions, read by a query compiled once per process (core.sessions).
SESSION_ENGINE = "jiuzhu.core.sessions"
SESSION_COOKIE_AGE = envint("JIUZHU_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("JIUZHU_HTTPS", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind TLS, browsers are told to come back over HTTPS only (a year; the county's intranet names only).
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # created by datadir.prepare(): WhiteNoise warns about a missing one
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
# The most data rows one roster file may hold (a county's whole roster is ~200 000 people); more is refused
# with a message, before the rest of the file is read. `jiuzhu import --max-rows` overrides it at the console.
JIUZHU_IMPORT_MAX_ROWS = envint("JIUZHU_IMPORT_MAX_ROWS", 300_000)
# On SQLite an import writes about this many persons per transaction (whole households), so that another
# clerk's edit waits for one of them (a fraction of a second), not for the file; 0: one transaction.
JIUZHU_IMPORT_WRITE_CHUNK = envint("JIUZHU_IMPORT_WRITE_CHUNK", 5_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("JIUZHU_TASK_BACKEND") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JIUZHU_LOG_LEVEL", "WARNING")},
}

# Record linkage (matching.linkage): the match probability a fuzzy pair needs, and Splink's engine
# ("duckdb" in process, or "spark" for a province's or the nation's lists; pip install 'jiuzhu[spark]').
JIUZHU_LINKAGE_THRESHOLD = float(os.environ.get("JIUZHU_LINKAGE_THRESHOLD", "0.9"))
JIUZHU_LINKAGE_BACKEND = os.environ.get("JIUZHU_LINKAGE_BACKEND", "duckdb")
JIUZHU_LINKAGE_SPARK_MASTER = os.environ.get("JIUZHU_LINKAGE_SPARK_MASTER", "local[*]")
