"""Settings for dong-welfare, read from the environment.

Nothing lives only in a production file: every integration is switched by a variable (see README.md).
Unset, the product runs on the *embedded default*: SQLite in ``var/`` and a Celery broker on the
filesystem, so ``make run`` needs nothing but Python.

Fail-safe: these are production settings unless ``DEBUG=True`` is given (``make run``, ``make test`` and CI set
it; ``python -m pytest`` gets it from pytest-env in pyproject.toml). Without it the server refuses to start
without its secrets, and sends HTTPS-only cookies, HSTS and the other headers ``check --deploy`` asks for.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from welfare.db_router import apply_connection_options as _apply_connection_options
from welfare.db_router import replica_databases as _replica_databases
from welfare.settings_api import SPECTACULAR_SETTINGS  # noqa: F401  (a setting, read by drf-spectacular)
from welfare.settings_api import rest_framework as _rest_framework
from welfare.settings_csp import content_security_policy as _content_security_policy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("WELFARE_VAR_DIR", default=str(BASE_DIR / "var")))

VAR_DIR.mkdir(parents=True, exist_ok=True)
env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# A development key only ever exists with DEBUG on; production must bring its own.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG=False the server refuses to start without it: "
            "set SECRET_KEY to a long random value (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = _DEV_SECRET_KEY

# Fernet key(s) for personal fields (resident registration numbers, sensitive profiles).
# Comma-separated for rotation: the first encrypts, all decrypt.
_DEV_FIELD_KEY = "S2V5LWZvci1kZXZlbG9wbWVudC1vbmx5LTAwMDAwMDA="
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY is not set. With DEBUG=False the server refuses to start without it: "
            "generate one with python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'."
        )
    FIELD_ENCRYPTION_KEY = [_DEV_FIELD_KEY]
# Key of the HMAC that lets an exact registration number be matched without decrypting.
RRN_HASH_KEY = env.str("RRN_HASH_KEY", default="") or FIELD_ENCRYPTION_KEY[0]

# Production answers no host until ALLOWED_HOSTS names the site's (check --deploy warns while it is empty).
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Trigram (pg_trgm) and expression indexes of the search box (OpClass needs the app); inert on SQLite.
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "template_partials",
    "csp",
    # Login protection (lockout) and the second factor (TOTP): welfare.security.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "welfare",
    "welfare.security.apps.SecurityConfig",
    "households",
    "discovery",
    "plans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before the middleware below: they keep whitenoise's caching headers.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "welfare.limits.RequestBodyLimitMiddleware",  # 413 before a body is read (after auth: it asks who is signed in)
    # Every page needs a login unless its view says @login_not_required (the public tip-off form).
    "welfare.middleware.LoginRequiredMiddleware",
    # Cache-Control: no-store on every response to a signed-in user or an API client (personal data).
    "welfare.middleware.NoStoreMiddleware",
    # A signed-in account that must still pass its second factor, or change a password an admin set, sees only
    # those pages (welfare.security.middleware).
    "welfare.security.middleware.AccountGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "welfare.audit.RequestContextMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "welfare.urls"
WSGI_APPLICATION = "welfare.wsgi.application"

# Widgets render through the project's templates: templates/django/forms/ overrides Django's "---------" option.
FORM_RENDERER = "welfare.common.form_renderer.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "welfare.context_processors.staff",
                "welfare.context_processors.notifications",
            ],
            # After Django's: ``date`` with a fast path for numeric formats, ``url`` of literals reversed once (same output).
            "builtins": ["welfare.templatetags.dates", "welfare.templatetags.constant_urls"],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the local worker share the file without "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    # The covering indexes' INCLUDE columns are PostgreSQL's (index-only scans at a district's size); SQLite builds
    # the same indexes without them, which is all the embedded default needs: no warning on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# For a whole city (README "For a whole city"): a connection pooler in transaction mode in front of PostgreSQL
# (DATABASE_POOLER=pgbouncer: no server-side cursors, no prepared statements; CONN_MAX_AGE above keeps the
# connections to the pooler), and read replicas (DATABASE_REPLICA_URL, one URL or a comma list): the lists and
# dashboards named in welfare.db_router may read from them; writes, the access log and the rest never do.
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured("DATABASE_POOLER must be empty or 'pgbouncer'.")
DATABASES.update(_replica_databases(env.list("DATABASE_REPLICA_URL", default=[]), DATABASES["default"],
                                    env.db_url_config))
# PostgreSQL's JIT compiler, off unless DATABASE_JIT=True (welfare.db_router.jit_options).
DATABASE_JIT = env.bool("DATABASE_JIT", default=False)
_apply_connection_options(DATABASES, pgbouncer=DATABASE_POOLER == "pgbouncer", jit=DATABASE_JIT)
DATABASE_ROUTERS = ["welfare.db_router.ReplicaRouter"] if len(DATABASES) > 1 else []
if DATABASE_ROUTERS:
    # Last: it calls the view itself inside the replica-reads context (welfare.db_router), after every other
    # middleware's process_view (CSRF, the account gate) has run.
    MIDDLEWARE.append("welfare.db_router.ReplicaReadsMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Server processes (welfare.wsgi) collect young objects every GC_THRESHOLD allocations, not Python's 700, with the
# start-up objects frozen (welfare.common.gc_tuning); 0 keeps Python's threshold.
GC_THRESHOLD = env.int("GC_THRESHOLD", default=50_000)

# --- Login protection, passwords, second factor (welfare.security) -----------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address before any check
    "welfare.auth_backend.ModelBackend",  # Django's, the signed-in user's read compiled once
]
# A Korean public institution's rule: 10+ characters of two kinds (letters, digits, symbols) or 8+ of three;
# not like the username or name, not a common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "welfare.security.passwords.CharacterKindsValidator"},
    {"NAME": "welfare.security.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes: each of the account and the address alone locks after LOGIN_FAILURE_LIMIT failures within the
# cool-off; a success resets the account's count; a district admin unlocks early (/district/security/locked/).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "welfare.security.lockout.attempt_username"
AXES_CLIENT_IP_CALLABLE = "welfare.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "welfare.security.lockout.lockout_response"  # the Korean page, 429
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins go to welfare's access log ("auth.login") instead
# TOTP (django-otp): required of the roles with ``needs_second_factor`` (district admins) and of superusers when
# on; on unless DEBUG. Anyone who enrolled a device is asked for a code after each login either way.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="dong-welfare")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "welfare" / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at every request without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Django's and whitenoise's storages, each file's URL worked out once per process (welfare.common.static_storage).
    "staticfiles": {
        "BACKEND": "welfare.common.static_storage.StaticFilesStorage"
        if DEBUG
        else "welfare.common.static_storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Attachments (scanned forms, photos, signed consents) are personal data: encrypted in chunks with
# FIELD_ENCRYPTION_KEY (welfare.common.blobs) and kept in their own storage, outside STATIC_ROOT and MEDIA_ROOT, with
# no URL of their own: only households.views.attachments serves them (scoping, access log, no-store). A private
# folder under var/ by default; an S3-compatible bucket (django-storages) when ATTACHMENTS_S3_BUCKET is set.
ATTACHMENTS_S3_BUCKET = env.str("ATTACHMENTS_S3_BUCKET", default="")
if ATTACHMENTS_S3_BUCKET:
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATTACHMENTS_S3_BUCKET,
            "endpoint_url": env.str("ATTACHMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("ATTACHMENTS_S3_REGION", default="") or None,
            "access_key": env.str("ATTACHMENTS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("ATTACHMENTS_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("ATTACHMENTS_S3_PREFIX", default="attachments"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("ATTACHMENTS_DIR", default=str(VAR_DIR / "attachments")), "base_url": None,
                    "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    }
# The largest attachment, in bytes (the page and the API refuse larger ones; the request-body limit follows it),
# and the largest picture in pixels (a "decompression bomb" is refused from its header).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_PIXELS = env.int("ATTACHMENT_MAX_PIXELS", default=50_000_000)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_ENGINE = "welfare.sessions"  # Django's database sessions, the read of every request compiled once

# --- Security: client addresses, HTTPS, cookies, headers ---------------------------------------------------
# How many reverse proxies of our own stand in front of the application server. 0: the client's address is
# REMOTE_ADDR and X-Forwarded-For is ignored; N: the N-th X-Forwarded-For entry from the right
# (welfare.common.net.client_ip: the access log, the public form's rate limit and the login lockout).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of trusted proxies.")
# The same trusted proxies terminate TLS and say so in X-Forwarded-Proto (which they must overwrite). Without
# a proxy the header is a client's word and is not read.
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A refused form token shows a Korean page that keeps what was posted and sends it again (welfare/views_csrf.py).
CSRF_FAILURE_VIEW = "welfare.views_csrf.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): our own static files only, no inline code (welfare/settings_csp.py).
CONTENT_SECURITY_POLICY = _content_security_policy(env.str("CSP_REPORT_URI", default=""))

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dong-welfare@localhost")
# The address the site is reached at, for links in e-mails (the daily digest of unread notifications).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
NOTIFICATION_DIGEST_ENABLED = env.bool("NOTIFICATION_DIGEST_ENABLED", default=True)

# Outbound messages (welfare.messaging): "console" (default: the log), "file" (JSON lines at MESSAGING_FILE_PATH)
# or "http" (an SMS/알림톡 gateway at MESSAGING_GATEWAY_URL; chosen by default when that URL is set).
MESSAGING_GATEWAY_URL = env.str("MESSAGING_GATEWAY_URL", default="")
MESSAGING_BACKEND = env.str("MESSAGING_BACKEND", default="http" if MESSAGING_GATEWAY_URL else "console")
MESSAGING_GATEWAY_KEY = env.str("MESSAGING_GATEWAY_KEY", default="")
MESSAGING_SENDER = env.str("MESSAGING_SENDER", default="")  # the registered caller number (발신번호)
MESSAGING_GATEWAY_TIMEOUT = env.float("MESSAGING_GATEWAY_TIMEOUT", default=10.0)
MESSAGING_FILE_PATH = env.str("MESSAGING_FILE_PATH", default=str(VAR_DIR / "messages" / "outbox.jsonl"))
# No message leaves between these local hours (Asia/Seoul): "21-8" holds a 22:00 message until 08:00.
MESSAGING_QUIET_HOURS = tuple(int(h) for h in env.str("MESSAGING_QUIET_HOURS", default="21-8").split("-", 1))
MESSAGING_MAX_ATTEMPTS = env.int("MESSAGING_MAX_ATTEMPTS", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Celery -------------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Longer than the longest task (time limit below), so Redis never redelivers a task still running.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
# The soft limit leaves a task a minute (or a tenth of a short limit) to clean up before the hard kill.
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 60, int(CELERY_TASK_TIME_LIMIT * 0.9))
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 10 * 60)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    # Redis would hand a task still running to a second worker; and after a worker dies, the redelivered copy
    # would find the job's claim not yet stale (welfare.jobs) and be acknowledged without running: work lost.
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT ({CELERY_VISIBILITY_TIMEOUT} s) must be longer than CELERY_TASK_TIME_LIMIT "
        f"({CELERY_TASK_TIME_LIMIT} s)."
    )
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    _queue = VAR_DIR / "celery" / "queue"
    _processed = VAR_DIR / "celery" / "processed"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "data_folder_processed": str(_processed),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery' / 'results'}"
    for _folder in (_queue, _processed, VAR_DIR / "celery" / "results", VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Our tasks are idempotent: on a lost broker connection, cancel and let the redelivery run them again.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_RESULT_EXPIRES = 24 * 3600

# Shared cache (rate limits of the public form, throttles): Redis when configured, else per-process memory.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "welfare"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "welfare"}
    )
}

# --- REST API (welfare/settings_api.py) ---------------------------------------------------------------------
REST_FRAMEWORK = _rest_framework(env.str("API_THROTTLE_RATE", default="600/minute"))

# --- Domain policy -------------------------------------------------------------------------------------
HOUSEHOLD_PAGE_SIZE = 25
# Uploads of lists (CSV/XLSX): larger files are refused before parsing.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Request bodies (welfare.limits): a larger Content-Length is a 413 before the body is read. Signed-in requests and
# API calls; anonymous ones (the public tip-off form, the login form); the upload endpoints named here take
# IMPORT_MAX_BYTES (plus the multipart envelope).
REQUEST_MAX_BODY_BYTES = env.int("REQUEST_MAX_BODY_BYTES", default=1024 * 1024)
ANONYMOUS_MAX_BODY_BYTES = env.int("ANONYMOUS_MAX_BODY_BYTES", default=64 * 1024)
REQUEST_UPLOAD_URL_NAMES = ("discovery:import_create",)
# Attachment uploads (the page and the API, where a token client is not yet known as signed in) take
# ATTACHMENT_MAX_BYTES plus the multipart envelope.
ATTACHMENT_UPLOAD_URL_NAMES = ("households:attachment_add", "households:consent_add", "attachments-list")
# Bounds of one uploaded list: data rows (refused before any row is written), the uncompressed size of an XLSX
# (the sum of its zip members' sizes, checked before parsing: a "zip bomb" is refused at upload) and the error
# rows stored per batch (the first ones are kept, the rest only counted).
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
# A 10-column list inflates to ~600 bytes a row: 200,000 rows ≈ 120 MB.
IMPORT_MAX_XLSX_INFLATED_BYTES = env.int("IMPORT_MAX_XLSX_INFLATED_BYTES", default=160 * 1024 * 1024)
IMPORT_MAX_ERROR_ROWS = env.int("IMPORT_MAX_ERROR_ROWS", default=10_000)
# A running import writes a heartbeat at least this often; one silent for longer than the stale limit lost its
# worker and is resumed from its last committed line (by the redelivered task or the import_sweep job).
IMPORT_HEARTBEAT_SECONDS = env.int("IMPORT_HEARTBEAT_SECONDS", default=30)
IMPORT_STALE_SECONDS = env.int("IMPORT_STALE_SECONDS", default=300)
if IMPORT_STALE_SECONDS <= 2 * IMPORT_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        f"IMPORT_STALE_SECONDS ({IMPORT_STALE_SECONDS} s) must be more than twice IMPORT_HEARTBEAT_SECONDS "
        f"({IMPORT_HEARTBEAT_SECONDS} s).")
# The uploaded file of a list is kept encrypted (FIELD_ENCRYPTION_KEY) only while its import may need it: it is
# deleted when the batch is done or failed, and an unfinished batch's file after this many days (the nightly
# retention job; uploading the same file again then resumes it).
IMPORT_UPLOAD_RETENTION_DAYS = env.int("IMPORT_UPLOAD_RETENTION_DAYS", default=7)
# The offline field app (households/field_pack.py): hours a downloaded pack stays usable on a device before the
# app wipes it, and the most households one pack carries.
OFFLINE_PACK_HOURS = env.int("OFFLINE_PACK_HOURS", default=72)
OFFLINE_PACK_MAX_HOUSEHOLDS = env.int("OFFLINE_PACK_MAX_HOUSEHOLDS", default=300)
# The public tip-off form: submissions per client address per hour.
PUBLIC_REPORT_RATE_PER_HOUR = env.int("PUBLIC_REPORT_RATE_PER_HOUR", default=5)
# The public door (issue 20): status look-ups and address suggestions per client address per hour, and the photo
# a request may carry (the body limit of /report/ for anonymous senders).
PUBLIC_STATUS_RATE_PER_HOUR = env.int("PUBLIC_STATUS_RATE_PER_HOUR", default=10)
PUBLIC_ADDRESS_RATE_PER_HOUR = env.int("PUBLIC_ADDRESS_RATE_PER_HOUR", default=300)
PUBLIC_REPORT_PHOTO_MAX_BYTES = env.int("PUBLIC_REPORT_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
PUBLIC_UPLOAD_URL_NAMES = ("report:create",)
# Years after a household's last case closed (with no activity since) before the nightly job anonymises it
# (PIPA art. 21; DOMAIN §5 R4).
RETENTION_YEARS = env.int("RETENTION_YEARS", default=5)
# The access log (PIPA safety measures: at least two years): monthly partitions on PostgreSQL, made this many months
# ahead by the nightly job, and whole months dropped once older than the retention (never under 24 months).
ACCESS_LOG_RETENTION_MONTHS = env.int("ACCESS_LOG_RETENTION_MONTHS", default=24)
ACCESS_LOG_PARTITIONS_AHEAD = env.int("ACCESS_LOG_PARTITIONS_AHEAD", default=3)
# Plausible values (welfare.common.bounds; every service checks them, the page and the API say the same):
# nothing recorded happened before EARLIEST_RECORD_DATE; next contacts, follow-ups, first-contact deadlines
# and start dates lie within NEXT_CONTACT_MAX_DAYS; goal targets, end dates and plan years within
# PLAUSIBLE_FUTURE_YEARS; a service link's amount, a plan task's budget and a plan figure have a ceiling.
EARLIEST_RECORD_DATE = env.str("EARLIEST_RECORD_DATE", default="2000-01-01")
NEXT_CONTACT_MAX_DAYS = env.int("NEXT_CONTACT_MAX_DAYS", default=366)
PLAUSIBLE_FUTURE_YEARS = env.int("PLAUSIBLE_FUTURE_YEARS", default=5)
MAX_AMOUNT_KRW = env.int("MAX_AMOUNT_KRW", default=100_000_000)
MAX_BUDGET_KRW = env.int("MAX_BUDGET_KRW", default=1_000_000_000_000)
MAX_TARGET = env.int("MAX_TARGET", default=10_000_000)

# Issue 17: the KakaoTalk channel's chatbot skill (/report/kakao/<district id>/). The skill sends this secret in the
# X-Skill-Secret header (set as a header of the skill in Kakao i Open Builder); empty: the endpoint answers 404.
KAKAO_SKILL_SECRET = env.str("KAKAO_SKILL_SECRET", default="")
# The public address printed in the QR codes of the memo pads and posters (e.g. https://welfare.example.go.kr);
# empty: the address of the request that prints them.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
