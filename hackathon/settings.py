"""Settings for the hackathon results tracker.

Everything that differs between a laptop and production comes from the environment, read by the
small strict helpers below. With nothing set, the app runs on SQLite in the checkout with DEBUG
off, so it refuses to start without SECRET_KEY: `make demo` and the tests (tests/settings.py) turn
DEBUG on.
"""

import json
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in ("true", "false"):
        raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {value!r}")
    return value == "true"


def envlist(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envint(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envrate(name, default):
    """A rate limit: a count, a slash and a period in seconds, minutes, hours or days ("20/m",
    "100/h", "5/10m")."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not re.fullmatch(r"[0-9]+/[0-9]*[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a rate such as '20/m', not {value!r}")
    return value


def envjson(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        parsed = json.loads(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {value!r}") from None
    if not isinstance(parsed, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {value!r}")
    return parsed


# Off unless set: production is the default, development says so (`make demo`, the tests).
DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    # A development-only key; production refuses to start without SECRET_KEY.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "hackathon.apps.BackgroundTasksConfig",  # django_tasks_db, named in our language
    "simple_history",
    "hackathon",
    "tracks",
    "participants",
    "tasks",
    "results",
    "github_sync",
]
# Development tools (data generators, benchmarks): never in production unless asked for.
DEV_TOOLS = envbool("DEV_TOOLS", DEBUG)
if DEV_TOOLS:
    INSTALLED_APPS.append("bench")

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
    "csp.middleware.CSPMiddleware",
    # Who made a change, for the history of the results (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "hackathon.urls"
WSGI_APPLICATION = "hackathon.wsgi.application"

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
            ],
        },
    },
]

# PostgreSQL in production and CI (DATABASE_URL); a SQLite file in the checkout when unset.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Leaderboards and figures sort tens of thousands of rows: let them sort in memory.
    work_mem = os.environ.get("PG_WORK_MEM", "32MB").strip()
    if not re.fullmatch(r"[1-9][0-9]*(kB|MB|GB)?", work_mem):
        raise ImproperlyConfigured(f"PG_WORK_MEM must be a size such as 32MB, not {work_mem!r}")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c work_mem={work_mem}"
# A read replica of the primary for the public pages (hackathon/routers.py), when set.
REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_URL, conn_max_age=envint("CONN_MAX_AGE", 0)
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["hackathon.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The results posts' deadlines are Beijing time.
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Numbers grouped by commas in Chinese too (hackathon/formats/zh_Hans/formats.py).
FORMAT_MODULE_PATH = ["hackathon.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads (banners, avatars, staged imports) go through Django's storage API only: files under
# MEDIA_ROOT by default, object storage (django-storages) with MEDIA_STORAGE_BACKEND and its
# options as a JSON object in MEDIA_STORAGE_OPTIONS (docs/deployment.md).
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("MEDIA_STORAGE_BACKEND", "").strip()
        or "django.core.files.storage.FileSystemStorage",
        "OPTIONS": envjson("MEDIA_STORAGE_OPTIONS", {}),
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Public responses are cached whole under the results clock (hackathon/caching.py): local memory
# by default, Redis (shared by every app server) when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "results"}
}
CACHE_TIMEOUT = envint("CACHE_TIMEOUT", 24 * 3600)
# How long a browser, proxy or CDN may keep a public response before revalidating it (ETag).
PUBLIC_MAX_AGE = envint("PUBLIC_MAX_AGE", 60)

# Long work (rebuilding an edition's leaderboards after a change that touches everybody in it)
# runs as a background task through Django's tasks API (the django-tasks backport): in the
# database, run by `manage.py db_worker`, in production; at once, in the request, when DEBUG is on
# (the demo and the tests need no worker). TASKS_BACKEND=database|immediate overrides it.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "").strip() or (
    "immediate" if DEBUG else "database"
)
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be database or immediate, not {TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# The public address of the site, for links that leave it without a request (exports, certificates).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")

# GitHub's webhook deliveries are signed with this secret (github_sync/views.py); without it
# every delivery is refused.
GITHUB_WEBHOOK_SECRET = os.environ.get("GITHUB_WEBHOOK_SECRET", "")
# The reconciliation with GitHub (manage.py sync_github, the edition's "Sync with GitHub" in the
# admin) reads GitHub's REST API with this token (read-only access to public repositories is
# enough); without it the sync refuses to run.
GITHUB_TOKEN = os.environ.get("GITHUB_TOKEN", "").strip()

# Objections (results/views.py): how many a client address and a GitHub login may file, counted
# in the cache (django-ratelimit; Redis shares the counts between app servers). Behind a proxy,
# RATELIMIT_IP_META_KEY names the header that holds the client's address (e.g. HTTP_X_REAL_IP).
OBJECTIONS_PER_ADDRESS = os.environ.get("OBJECTIONS_PER_ADDRESS", "10/h")
OBJECTIONS_PER_LOGIN = os.environ.get("OBJECTIONS_PER_LOGIN", "5/d")
RATELIMIT_IP_META_KEY = os.environ.get("RATELIMIT_IP_META_KEY", "REMOTE_ADDR")
# The costly public reads (hackathon/ratelimits.py): downloads (CSV, JSON of boards, tasks,
# honour rolls, versions) and the API's lists, per client address. Responses served from the
# cache, and 304s, are not counted; beyond the rate, a 429 with Retry-After.
EXPORTS_PER_ADDRESS = envrate("EXPORTS_PER_ADDRESS", "20/m")
API_LISTS_PER_ADDRESS = envrate("API_LISTS_PER_ADDRESS", "60/m")
# The answers to objections are e-mailed; printed on the console unless EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hackathon-results@localhost")

# Fonts of the rendered certificates (PNG, PDF): CJK fonts, so Chinese names are not boxes.
# Debian's fonts-noto-cjk by default (the README's set-up installs it).
CERTIFICATE_FONT = os.environ.get(
    "CERTIFICATE_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
).strip()
CERTIFICATE_BOLD_FONT = os.environ.get(
    "CERTIFICATE_BOLD_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
).strip()

# Large imports post a whole spreadsheet through the admin.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The history of the results is a record: the admin shows it but offers no "revert to this".
SIMPLE_HISTORY_REVERT_DISABLED = True
# Reasons are sentences (an objection's outcome, an import's file), not 100-character labels.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# An admin upload larger than this (bytes; about 1,500 rows of CSV) is imported as a background
# task with its progress shown, not within the request (hackathon/admin_import.py).
IMPORT_INLINE_MAX_BYTES = envint("IMPORT_INLINE_MAX_BYTES", 256 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hackathon results tracker API",
    "DESCRIPTION": "Read-only public figures of hackathon editions.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # A piece of work's status appears in tasks and in profiles: one enum under one name.
    "ENUM_NAME_OVERRIDES": {"WorkStatusEnum": "tasks.choices.WorkStatus"},
    # Every operation's 400, 404 and 429 with their bodies (and Retry-After).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hackathon.openapi.document_errors",
    ],
}

# Served over HTTPS (by default when DEBUG is off): plain HTTP is redirected, browsers are told
# to use HTTPS only (HSTS), cookies are sent over HTTPS only. HTTPS=false is for a plain-HTTP test
# set-up (CI's smoke test of bin/serve), never for a public site.
HTTPS = envbool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", HTTPS)
if not DEBUG:
    # TLS ends at the proxy in front, which says so in X-Forwarded-Proto (and must overwrite a
    # client's own): docs/deployment.md.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# People's faces (participants/templatetags/avatars.py): an uploaded avatar, else the person's
# GitHub avatar when AVATARS_GITHUB is on, else their initial drawn by the stylesheet. Off, the
# pages link to no other site's images (an offline or privacy-minded deployment; the tests).
AVATARS_GITHUB = envbool("AVATARS_GITHUB", True)
AVATARS_GITHUB_HOST = "https://avatars.githubusercontent.com"

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from the site itself
# only, no inline script or style. CSP_IMG_SRC adds origins for images, e.g. the object storage's
# when uploads are served from it; GitHub's avatars host is added when AVATARS_GITHUB is on. The
# API docs page widens img-src for itself (hackathon/api.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [
            SELF,
            *([AVATARS_GITHUB_HOST] if AVATARS_GITHUB else []),
            *envlist("CSP_IMG_SRC", []),
        ],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
