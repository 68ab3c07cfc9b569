"""DRiVE settings: one module, configured only by environment variables.

``DRIVE_ENV`` selects the mode: ``development`` (default, what ``make run`` uses),
``test`` or ``production``. Production refuses to start without a real
``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on every protection that
``manage.py check --deploy`` asks for.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from drive.core.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DRIVE_ENV = env_choice("DRIVE_ENV", "development", ("development", "test", "production"))
PRODUCTION = DRIVE_ENV == "production"

DEBUG = env_bool("DEBUG", default=DRIVE_ENV == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DRIVE_ENV=production.")

_DEV_KEY = "django-insecure-development-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else _DEV_KEY)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a random string of at least 50 characters in production "
        '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "drive.core",
    "drive.audit",
    "drive.events",
    "drive.organisations",
    "drive.accounts",
    "drive.notifications",
    "drive.suppliers",
    "drive.imports",
    "drive.questionnaires",
    "drive.programmes",
    "drive.evidence",
    "drive.assessments",
    "drive.scoring",
    "drive.feedback",
    "drive.risk",
    "drive.inspections",
    "drive.actions",
    "drive.certificates",
    "drive.trainings",
    "drive.demo",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_rq",
    "drive.api",
    "drive.pages",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "drive.core.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "drive.accounts.middleware.UserLanguageMiddleware",
    # Languages whose catalogue is incomplete are not used (drive/core/i18n.py).
    "drive.core.middleware.OfferedLanguageMiddleware",
    # Two-factor: django-otp marks sessions verified by a code; ours sends staff to enrol
    # and anyone with an authenticator to the code page before anything else.
    "django_otp.middleware.OTPMiddleware",
    "drive.accounts.middleware.TwoFactorMiddleware",
    # Refuses NUL characters (PostgreSQL cannot store them) before any view runs.
    "drive.core.middleware.RejectNulCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # A page or file for a signed-in user is never kept by a browser or proxy cache.
    "drive.core.middleware.PrivateCacheMiddleware",
    # Axes must come last: it turns a lock-out into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # gunicorn serves static files itself through WhiteNoise (runserver does it in development).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "drive.urls"
WSGI_APPLICATION = "drive.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "drive" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "drive.core.context_processors.navigation",
                "drive.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
_default_db = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", _default_db),
            # Kept open in production (gunicorn's few workers reuse them); closed after each
            # request in development, where runserver's thread per request would otherwise
            # hold one PostgreSQL connection per thread until max_connections is exhausted.
            conn_max_age=env_int(
                "DB_CONN_MAX_AGE", 0 if DRIVE_ENV == "development" else 60, minimum=0
            ),
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the in-process task thread write while pages read.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A streaming replica of PostgreSQL for reports and exports (docs/scaling.md). Unset: they
# read the primary. Code that may read stale-by-seconds data asks drive.core.db.reporting_db().
_replica_url = env_str("DATABASE_REPLICA_URL", "")
if _replica_url:
    try:
        DATABASES["replica"] = dj_database_url.parse(
            _replica_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
        )
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a valid database URL: {exc}"
        ) from None
    # Tests read the primary through the replica's alias (no second test database).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["drive.core.db.PrimaryRouter"]

# --- Accounts, passwords, sessions ----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "drive.accounts.lockout.GrowingDelayBackend",
    # Loads a session's user with its organisation and header figures in one query; it
    # checks no password (drive/accounts/backends.py).
    "drive.accounts.backends.SessionUserBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "pages:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
# Idle sessions expire; active ones slide: drive.core.middleware.SlidingSessionMiddleware
# saves a signed-in session again when its expiry last moved more than
# SESSION_REFRESH_SECONDS ago (a save on every request would write and commit per page).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60, minimum=0)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 3600, minimum=300)
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14, minimum=1)

# Failed sign-ins (django-axes + drive/accounts/lockout.py): counted per account and client
# address in the database (AccessAttempt), so every worker process and server shares them.
# After AXES_FAILURE_LIMIT wrong passwords from one address, that address waits
# SIGN_IN_DELAY_SECONDS before its next try, doubling per further failure up to
# AXES_COOLOFF_MINUTES; the owner signing in from elsewhere is not slowed down.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1)
SIGN_IN_DELAY_SECONDS = env_int("SIGN_IN_DELAY_SECONDS", 60, minimum=1)
# How long failures are remembered (axes's cool-off): a day without failure forgets them.
AXES_COOLOFF_TIME = timedelta(hours=env_int("SIGN_IN_FAILURE_MEMORY_HOURS", 24, minimum=1))
AXES_LOCK_OUT_AT_FAILURE = False  # no hard lock: GrowingDelayBackend makes clients wait
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused tries are not counted
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "drive.accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "drive.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# The number of reverse proxies in front of DRiVE that append to X-Forwarded-For (0: the
# client connects directly and REMOTE_ADDR is its address); see drive/accounts/client_ip.py.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "drive.accounts.client_ip.client_ip"
# Two-factor authentication (django-otp): the name authenticator apps show for DRiVE.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "DRiVE")
AXES_VERBOSE = False

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "drive" / "locale"]
# Kosovo, as UN documents name it, has no ISO 3166 code: the user-assigned XK / XKX
# (used by the World Bank, the risk data and UNGM downloads) makes it a country here.
COUNTRIES_OVERRIDE = {"XK": {"names": [_("Kosovo")], "alpha3": "XKX"}}
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_TZ = True
LANGUAGE_COOKIE_NAME = "drive_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
# One date and number style per language (drive/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["drive.formats"]

# --- Static files and uploads --------------------------------------------------------
STATIC_URL = "static/"
# Project-wide assets (drive.css, base.js) live beside the project templates, not in an app.
STATICFILES_DIRS = [BASE_DIR / "drive" / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "uploads")))
# Uploads are never served from a public URL: views check permissions, then stream.
STORAGES = {
    "default": {
        "BACKEND": env_str("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {} if PRODUCTION else {"location": str(MEDIA_ROOT)},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
if PRODUCTION:
    STORAGES["default"]["OPTIONS"] = {"location": str(MEDIA_ROOT)}
if STORAGES["default"]["BACKEND"].startswith("storages.backends.s3"):
    # S3-compatible object storage (install django-storages[s3]); credentials come from
    # boto3's own AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment variables.
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": env_str("STORAGE_BUCKET"),
        "endpoint_url": env_str("STORAGE_ENDPOINT_URL", "") or None,
        "location": env_str("STORAGE_PREFIX", "uploads"),
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_auth": True,
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 200 * 1024 * 1024, minimum=1024)
# Files with more data rows than this are validated and imported in the background.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 2000, minimum=1)
# Where a check keeps its plan for the apply (drive/imports/plans.py): a directory private
# to the worker's user; empty = one under the system's temporary directory. A worker that
# cannot read the check's plan (another machine) checks the file again on apply.
IMPORT_PLAN_DIR = env_str("IMPORT_PLAN_DIR", "")
# An import creating at least this many suppliers, and no fewer than the table holds (a first
# load), drops the supplier, sector-link and contact tables' secondary indexes and builds them
# again in its transaction (drive/imports/bulkload.py): on PostgreSQL holding an exclusive
# lock on the supplier table until it commits; on SQLite under the write lock the import
# holds anyway (readers keep the last committed state). 0 = never.
IMPORT_BULK_LOAD_ROWS = env_int("IMPORT_BULK_LOAD_ROWS", 100_000, minimum=0)
# Largest evidence document a supplier may upload (bytes).
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1024)
# Upload size limit of views that declare none (drive/core/uploads.py): a file over the
# limit of its view stops being stored as soon as it passes it.
UPLOAD_MAX_BYTES = env_int(
    "UPLOAD_MAX_BYTES", max(IMPORT_MAX_UPLOAD_BYTES, EVIDENCE_MAX_UPLOAD_BYTES), minimum=1024
)
FILE_UPLOAD_HANDLERS = [
    "drive.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Office files (XLSX, DOCX, ODS ...) are zip archives, checked before any parse
# (drive/core/spreadsheets.py): what all their parts may unpack to, how many times one
# part (over 1 MiB) may be compressed, and how many parts they may hold.
OFFICE_MAX_UNCOMPRESSED_BYTES = env_int(
    "OFFICE_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024, minimum=1024 * 1024
)
OFFICE_MAX_COMPRESSION_RATIO = env_int("OFFICE_MAX_COMPRESSION_RATIO", 100, minimum=2)
OFFICE_MAX_ENTRIES = env_int("OFFICE_MAX_ENTRIES", 5000, minimum=10)
# An XLSForm is parsed in the request: what it may unpack to (forms are a few hundred KB).
XLSFORM_MAX_UNCOMPRESSED_BYTES = env_int(
    "XLSFORM_MAX_UNCOMPRESSED_BYTES", 20 * 1024 * 1024, minimum=1024 * 1024
)
# A large workbook is parsed by the background job in a child process whose memory
# (address space) is capped at this many bytes, and which may run this many seconds.
IMPORT_PARSE_MEMORY_BYTES = env_int(
    "IMPORT_PARSE_MEMORY_BYTES", 768 * 1024 * 1024, minimum=128 * 1024 * 1024
)
IMPORT_PARSE_TIMEOUT_SECONDS = env_int("IMPORT_PARSE_TIMEOUT_SECONDS", 1800, minimum=10)

# --- Email ---------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "DRiVE <no-reply@drive.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (drive/core/tasks.py: django-tasks) --------------------------------
# "sync": run right after commit in the same thread (tests);
# "thread": run in a worker thread of the web process (make run needs nothing else);
# "rq": enqueue on Redis (django-tasks-rq) for `manage.py worker` processes (production).
TASKS_BACKEND = env_choice(
    "TASKS_BACKEND", "rq" if PRODUCTION else "thread", ("sync", "thread", "rq")
)
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
TASKS_MAX_ATTEMPTS = env_int("TASKS_MAX_ATTEMPTS", 5, minimum=1)

# --- Cache -----------------------------------------------------------------------------
# The API's rate-limit counters live here: with several web processes the cache must be
# shared (Redis), or each process counts on its own and the limit is multiplied.
CACHE_URL = env_str("CACHE_URL", REDIS_URL if PRODUCTION else "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "drive",
        }
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        "CACHE_URL must be redis://host:port/db (rediss://, unix:// too) or locmem://."
    )
# Per process, never shared: template fragments that depend only on the code and the
# translations (base.html's navigation), so a restart after a release empties it.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"}
TASKS_BACKOFF_SECONDS = env_int("TASKS_BACKOFF_SECONDS", 30, minimum=0)
# A background job with a visible status (import, feedback PDF) stamps its heartbeat this
# often; one silent for JOB_STALE_AFTER_SECONDS is shown and recorded as failed
# ("stopped unexpectedly"), and may be retried or cancelled (drive/core/jobs.py).
JOB_HEARTBEAT_SECONDS = env_int("JOB_HEARTBEAT_SECONDS", 30, minimum=1)
JOB_STALE_AFTER_SECONDS = env_int("JOB_STALE_AFTER_SECONDS", 300, minimum=10)
TASK_BACKENDS = {
    "sync": "drive.core.task_backends.ImmediateBackend",
    "thread": "drive.core.task_backends.ThreadBackend",
    "rq": "django_tasks_rq.RQBackend",
}


def tasks_settings(backend: str) -> dict:
    """The django-tasks ``TASKS`` setting for one of the TASKS_BACKEND values."""
    return {"default": {"BACKEND": TASK_BACKENDS[backend], "QUEUES": ["default"]}}


def rq_queues_settings(redis_url: str) -> dict:
    """django-rq's ``RQ_QUEUES``: the one queue, retrying with back-off (task_backends)."""
    return {"default": {"URL": redis_url, "QUEUE_CLASS": "drive.core.task_backends.RetryingQueue"}}


# Seconds between two runs of the events outbox sweep by the in-process scheduler of
# `manage.py runserver` (make run); 0 turns it off. Production runs `manage.py
# sweep_events` from a timer instead (README, Operations).
EVENTS_SWEEP_SECONDS = env_int("EVENTS_SWEEP_SECONDS", 60, minimum=0)

# --- REST API (drive/api/README.md) ----------------------------------------------------
# Requests per minute allowed to one API token (or one signed-in session); then 429.
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 120, minimum=1)
# Public certificate verification (page and API): look-ups per minute per client address.
CERTIFICATE_VERIFY_RATE_PER_MINUTE = env_int("CERTIFICATE_VERIFY_RATE_PER_MINUTE", 30, minimum=1)
# Let webhooks go to loopback addresses (and plain http there): for tests delivering to a
# local http.server only; never in production (drive/api/webhook_targets.py).
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
if PRODUCTION and WEBHOOK_ALLOW_PRIVATE_TARGETS:
    raise ImproperlyConfigured(
        "WEBHOOK_ALLOW_PRIVATE_TARGETS must be off when DRIVE_ENV=production."
    )
# The OCDS ocid prefix of this publisher (register one with the Open Contracting Partnership).
OCDS_OCID_PREFIX = env_str("OCDS_OCID_PREFIX", "ocds-drive0")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "drive.api.authentication.BearerTokenAuthentication",
        "drive.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["drive.api.permissions.TokenScopePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["drive.api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "drive.api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drive.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "drive.api.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "drive.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DRiVE API",
    "DESCRIPTION": "Supplier registry, imports, programmes and self-assessments of DRiVE.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "drive.settings.LANGUAGES",
        "CountryEnum": "drive.api.serializers.COUNTRY_CHOICES",
        "VersionStatusEnum": "drive.questionnaires.models.VersionStatus",
        "ProgrammeStatusEnum": "drive.programmes.models.ProgrammeStatus",
        "AssessmentStatusEnum": "drive.assessments.models.AssessmentStatus",
        "DocumentKindEnum": "drive.evidence.models.DocumentKind",
        "IssueKindEnum": "drive.api.resources.questionnaires.ISSUE_KINDS",
        "RiskOverrideKindEnum": "drive.risk.models.OverrideKind",
        "InherentTierEnum": "drive.api.resources.risk.TIER_CHOICES",
        "RiskTierEnum": "drive.risk.config.TIERS",
        "CertificateStatusEnum": "drive.certificates.models.CertificateStatus",
        "SeverityEnum": "drive.inspections.models.Severity",
        "InspectionTypeEnum": "drive.inspections.models.InspectionType",
        "InspectionModeEnum": "drive.inspections.models.InspectionMode",
        "InspectionNoticeEnum": "drive.inspections.models.Notice",
        "InspectionStatusEnum": "drive.inspections.models.InspectionStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "drive.api.schema.add_error_responses",
    ],
}

# --- Security --------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles and everything else from DRiVE's own
# origin only; no inline script, style or event handler anywhere (pages load their
# behaviour from drive/static/). data: images are for inline SVG icons; the API docs page
# (/api/docs/) runs within the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django_tasks logs every task start and end at INFO: only problems here.
    "loggers": {"axes": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}

if DRIVE_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    TASKS_BACKEND = "sync"
    TASKS_BACKOFF_SECONDS = 0
    EVENTS_SWEEP_SECONDS = 0
    WEBHOOK_ALLOW_PRIVATE_TARGETS = True

# django-tasks and django-rq read these (built last: the test mode changes TASKS_BACKEND).
TASKS = tasks_settings(TASKS_BACKEND)
RQ_QUEUES = rq_queues_settings(REDIS_URL)
