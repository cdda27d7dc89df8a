"""Django settings, read from the environment.

Embedded default: SQLite file and generated keys under ``$SIGAP_HOME`` (``./var``), Celery eager.
Production: set ``DATABASE_URL`` (PostgreSQL), ``SECRET_KEY``, ``SIGAP_VAULT_KEY`` (or
``SIGAP_VAULT_KEY_FILE``), ``CELERY_BROKER_URL`` (Redis) and ``SIGAP_ALLOWED_HOSTS``.
See docs/deployment.md.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sigap.core.envflags import env_flag
from sigap.core.files import write_secret_file
from sigap.core.objectstore import object_storage

BASE_DIR = Path(__file__).resolve().parent.parent
SIGAP_HOME = Path(os.environ.get("SIGAP_HOME", Path.cwd() / "var")).resolve()
SIGAP_HOME.mkdir(parents=True, exist_ok=True)


_env_bool = env_flag  # 1, true, yes, on (``sigap.core.envflags``)


def _generated_secret(filename: str, nbytes: int) -> str:
    """A secret kept in a file under SIGAP_HOME, created on first use (embedded default only)."""
    path = SIGAP_HOME / filename
    if not path.exists():
        write_secret_file(path, secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


DEBUG = _env_bool("SIGAP_DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _generated_secret("secret_key", 48)
# Previous SECRET_KEY values (comma-separated) while rotating it: API tokens and credential seals made under them
# still verify (sigap.officers.seal). Sessions end at the change.
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()]
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("SIGAP_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("SIGAP_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

# ReportUnit's queue indexes INCLUDE the columns a page shows (an index-only scan on PostgreSQL); SQLite has no
# covering indexes and builds them without those columns, which is what the embedded default wants.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",  # before the sigap apps: sigap.officers.admin replaces their admin pages
    "sigap.config.apps.TotpConfig",  # django_otp.plugins.otp_totp, named in the reader's language
    "sigap.config.apps.AxesConfig",  # axes, named in the reader's language
    "ninja",  # /api/docs serves Swagger UI from Django Ninja's own static files, not from a CDN (works offline)
    "sigap.core",
    "sigap.privacy",
    "sigap.organization",
    "sigap.reports",
    "sigap.intake",
    "sigap.officers",
    "sigap.portal",
    "sigap.open311",
    "sigap.config",  # the top layer: the server, the periodic jobs, `sigap serve`, `sigap periodic`, `sigap demo`
]

MIDDLEWARE = [
    "sigap.core.middleware.HeadWithoutBodyMiddleware",  # outermost: a HEAD answer loses its body last
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "sigap.core.middleware.RequestLimitsMiddleware",  # bad or oversized bodies: 4xx before they are read
    "sigap.core.outage.DatabaseOutageMiddleware",  # a database outage in a view: 503 with Retry-After
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sigap.officers.signin.SecondFactorMiddleware",  # a session without the factor its roles need: signed out
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "sigap.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "sigap.config.urls"
WSGI_APPLICATION = "sigap.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csrf",
                "sigap.core.context_processors.sigap",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SIGAP_HOME / 'sigap.sqlite3'}",
        conn_max_age=int(os.environ.get("SIGAP_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout so the embedded server and a worker can share the file;
    # IMMEDIATE transactions so row-locking services serialize instead of failing with
    # "database is locked" on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The city's zone: office hours, deadlines, local days of the counters and report numbers, log times. WIB
# (Asia/Jakarta, Asia/Pontianak), WITA (Asia/Makassar) or WIT (Asia/Jayapura); set before the first report.
TIME_ZONE = os.environ.get("SIGAP_TIME_ZONE", "Asia/Jakarta").strip() or "Asia/Jakarta"
try:
    ZoneInfo(TIME_ZONE)
except (ValueError, ZoneInfoNotFoundError):
    raise ImproperlyConfigured(f"SIGAP_TIME_ZONE={TIME_ZONE!r} is not a time zone (e.g. Asia/Makassar)") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = SIGAP_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Photos: files under $SIGAP_HOME/media, or an S3-compatible object store when SIGAP_S3_BUCKET is set (needed as
# soon as web and worker processes run on more than one machine; see sigap/core/objectstore.py).
STORAGES = {
    "default": object_storage(os.environ)
    or {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(SIGAP_HOME / "media")}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # the vault's large ciphertexts (photo originals, encrypted in the process; their keys stay in the database):
    # the bucket under SIGAP_S3_VAULT_PREFIX, else $SIGAP_HOME/vault, each file synced to disk before it counts
    "vault": object_storage(os.environ, prefix_var="SIGAP_S3_VAULT_PREFIX", prefix="vault")
    or {
        "BACKEND": "sigap.privacy.blobfiles.DurableFileSystemStorage",
        "OPTIONS": {
            "location": str(SIGAP_HOME / "vault"),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}
if STORAGES["vault"]["OPTIONS"]["location"] == STORAGES["default"]["OPTIONS"].get("location"):
    raise ImproperlyConfigured("SIGAP_S3_VAULT_PREFIX must differ from SIGAP_S3_PREFIX (the vault's files apart)")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Sessions in the database under a keyed hash of the cookie (a database reader cannot ride a live session).
SESSION_ENGINE = "sigap.officers.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if _env_bool("SIGAP_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Email: SMTP to SIGAP_EMAIL_HOST (submission port 587 with STARTTLS unless told otherwise); SMTP to a relay on
# localhost:25 when only the SMTP backend is named; otherwise no mail is configured: Django's dummy backend, and the
# outbox holds email notifications until mail is configured (never "sent" into nothing, never printed: the
# embedded default must not write reporters' addresses to the console).
EMAIL_HOST = os.environ.get("SIGAP_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("SIGAP_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.dummy.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("SIGAP_EMAIL_PORT", "587" if EMAIL_HOST else "25"))
EMAIL_USE_TLS = _env_bool("SIGAP_EMAIL_TLS", bool(EMAIL_HOST))
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_HOST_USER = os.environ.get("SIGAP_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SIGAP_EMAIL_PASSWORD", "")
DEFAULT_FROM_EMAIL = os.environ.get("SIGAP_FROM_EMAIL", "sigap@localhost")

# Uploads: photos are checked and re-encoded by sigap.privacy.photos
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
SIGAP_PHOTO_MAX_BYTES = int(os.environ.get("SIGAP_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
SIGAP_PHOTO_MAX_PIXELS = int(os.environ.get("SIGAP_PHOTO_MAX_PIXELS", str(40_000_000)))
SIGAP_PHOTO_MAX_SIDE = int(os.environ.get("SIGAP_PHOTO_MAX_SIDE", "2048"))
SIGAP_PHOTOS_PER_REPORT = int(os.environ.get("SIGAP_PHOTOS_PER_REPORT", "5"))
# Photos are de-identified by a worker, not in the request (sigap.reports.photoqueue): "celery" when a broker
# is configured, else "thread" (one background thread per process); "inline"/"manual" are for tests.
SIGAP_PHOTO_WORKER = os.environ.get("SIGAP_PHOTO_WORKER", "")
SIGAP_PHOTO_MAX_ATTEMPTS = int(os.environ.get("SIGAP_PHOTO_MAX_ATTEMPTS", "3"))  # then "failed", admins told
SIGAP_PHOTO_LEASE_SECONDS = int(os.environ.get("SIGAP_PHOTO_LEASE_SECONDS", "300"))  # a claim older is retried
SIGAP_PHOTO_SWEEP_SECONDS = int(os.environ.get("SIGAP_PHOTO_SWEEP_SECONDS", "30"))  # embedded thread's sweep
# OpenCV threads per photo. One: a worker runs as many photos at once as it has processes (Celery) and each
# core does one photo start to end, which is the most photos per core (with OpenCV's own threads a photo took 0.71 s of
# CPU against 0.54 s on one thread, to finish 0.1 s sooner); in the embedded default it also leaves the other cores to requests.
SIGAP_PHOTO_CV_THREADS = int(os.environ.get("SIGAP_PHOTO_CV_THREADS", "1"))
DATA_UPLOAD_MAX_NUMBER_FILES = SIGAP_PHOTOS_PER_REPORT + 1
# Request limits (sigap/core/limits.py), checked from the headers before a body is read: a multipart body
# may declare at most SIGAP_UPLOAD_MAX_BYTES, any other body DATA_UPLOAD_MAX_MEMORY_SIZE, a channel webhook
# SIGAP_WEBHOOK_MAX_BYTES; each file part at most SIGAP_PHOTO_MAX_BYTES.
# By default as much as a report's photos may be, each at its limit, and the form (2 MB): a form that offers five
# photos of 10 MB each must not refuse four of 9 MB as a whole (found by a review of the resident's journey).
SIGAP_UPLOAD_MAX_BYTES = int(
    os.environ.get("SIGAP_UPLOAD_MAX_BYTES", str(SIGAP_PHOTOS_PER_REPORT * SIGAP_PHOTO_MAX_BYTES + 2 * 1024 * 1024))
)
# A photo as uploaded is never written to disk in clear: Django spools an upload past FILE_UPLOAD_MAX_MEMORY_SIZE
# to a plaintext temporary file, which a worker killed mid-request (the server's timeout, the OOM killer) leaves
# behind with the photo's GPS and capture time. Uploads are held in memory only, up to the body the request limits
# let through (found by an attacker's review); the original goes from memory to the vault, encrypted.
FILE_UPLOAD_HANDLERS = ["sigap.core.limits.MemoryOnlyUploadHandler"]
# Error reports (the 500 mail to ADMINS, if a deployment sets it; an error tracker fed by Django's reporter) keep
# names and code and hide every value a request brought: POST values, query values, files' names, local variables.
DEFAULT_EXCEPTION_REPORTER = "sigap.core.errorreports.PrivateExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "sigap.core.errorreports.PrivateExceptionReporterFilter"
SIGAP_WEBHOOK_PATH_PREFIX = "/channels/"
# Image decoding work: at most this many pixels decoded per image (a JPEG is decoded at 1/2, 1/4 or 1/8
# scale when that still covers SIGAP_PHOTO_MAX_SIDE or comes within 85 % of it) and per request, all images
# together.
SIGAP_PHOTO_MAX_DECODE_PIXELS = int(os.environ.get("SIGAP_PHOTO_MAX_DECODE_PIXELS", str(24_000_000)))
SIGAP_PHOTO_REQUEST_PIXELS = int(os.environ.get("SIGAP_PHOTO_REQUEST_PIXELS", str(60_000_000)))
# How a refused request is answered, by path prefix; any other path gets a bilingual HTML page.
SIGAP_REFUSAL_RENDERERS = {
    "/lapor/cek-foto/": "sigap.portal.views.photo_check_refusal",  # read by the form's script, as JSON
    "/api/": "sigap.core.limits.json_refusal",
    "/channels/": "sigap.core.limits.json_refusal",
    "/open311/": "sigap.open311.views.refusal_response",
}

# Vault master key: base64 (urlsafe) 32 bytes. Embedded default: a generated file under SIGAP_HOME.
SIGAP_VAULT_KEY = os.environ.get("SIGAP_VAULT_KEY", "")
SIGAP_VAULT_KEY_FILE = os.environ.get("SIGAP_VAULT_KEY_FILE", str(SIGAP_HOME / "vault.key"))
# A vault blob whose ciphertext is larger than this goes to STORAGES["vault"] instead of its database row (a
# photo original: megabytes a PostgreSQL row would write twice, to its table and to its WAL, in the writer thread
# every request of a process waits on); smaller ones (a conversation's state) stay in the row.
SIGAP_VAULT_INLINE_MAX_BYTES = int(os.environ.get("SIGAP_VAULT_INLINE_MAX_BYTES", str(64 * 1024)))

# The city this instance serves: its province code (region list), public number prefix.
SIGAP_PROVINCE = os.environ.get("SIGAP_PROVINCE", "31")
SIGAP_NUMBER_PREFIX = os.environ.get("SIGAP_NUMBER_PREFIX", "JK")
# Open311 GeoReport v2 (docs/open311.md): the jurisdiction id (default the province code), the public read limit
# per client and minute, and discovery's contact and key_service texts.
SIGAP_OPEN311_JURISDICTION = os.environ.get("SIGAP_OPEN311_JURISDICTION", "")
SIGAP_OPEN311_PUBLIC_PER_MINUTE = int(os.environ.get("SIGAP_OPEN311_PUBLIC_PER_MINUTE", "120"))
SIGAP_OPEN311_CONTACT = os.environ.get("SIGAP_OPEN311_CONTACT", "")
SIGAP_OPEN311_KEY_SERVICE = os.environ.get("SIGAP_OPEN311_KEY_SERVICE", "")
SIGAP_MAX_SNAP_M = float(os.environ.get("SIGAP_MAX_SNAP_M", "100"))
SIGAP_HOP_HOURS = float(os.environ.get("SIGAP_HOP_HOURS", "6"))
# How often a process checks whether the reference data (boundaries, units, tupoksi, categories,
# holidays) changed in the database; edits in the admin take effect within this many seconds.
SIGAP_REFERENCE_CHECK_SECONDS = float(os.environ.get("SIGAP_REFERENCE_CHECK_SECONDS", "5"))
# Group commit (sigap/intake/groupcommit.py): reports filed at the same moment share one transaction.
SIGAP_INTAKE_GROUP_COMMIT = _env_bool("SIGAP_INTAKE_GROUP_COMMIT", True)
SIGAP_INTAKE_BATCH_MAX = int(os.environ.get("SIGAP_INTAKE_BATCH_MAX", "200"))
# A database outage (or a full intake queue) is answered 503 with this Retry-After (seconds).
SIGAP_RETRY_AFTER_SECONDS = int(os.environ.get("SIGAP_RETRY_AFTER_SECONDS", "5"))
# How long an Idempotency-Key of POST /api/v1/reports is remembered (docs/api.md).
SIGAP_IDEMPOTENCY_HOURS = int(os.environ.get("SIGAP_IDEMPOTENCY_HOURS", "24"))
SIGAP_INTAKE_WAIT_SECONDS = float(os.environ.get("SIGAP_INTAKE_WAIT_SECONDS", "60"))

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# The configured Celery application, loaded by sigap.core.dispatch at start when a broker is configured.
SIGAP_CELERY_APP = "sigap.config.celery.app"
# Without a broker, outbox messages go out from one background thread (SIGAP_OUTBOX_SYNC=1: in the request).
SIGAP_OUTBOX_SYNC = _env_bool("SIGAP_OUTBOX_SYNC", False)
# How often the embedded sender sweeps the outbox for rows left behind (a crash, an outage, retries due).
SIGAP_OUTBOX_SWEEP_SECONDS = float(os.environ.get("SIGAP_OUTBOX_SWEEP_SECONDS", "30"))
# Sends of one outbox batch in flight at once (each waits for the channel's API, not for a core).
SIGAP_OUTBOX_SEND_THREADS = int(os.environ.get("SIGAP_OUTBOX_SEND_THREADS", "32"))
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# a worker keeps LOGGING's handlers (their filters keep tracking codes, typed text and exceptions' text out of the
# log) instead of replacing the root logger's with its own (found by a review)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE  # the periodic jobs' times (sigap/config/periodic.py) are the city's local time

# Cache (rate-limit counters, the Open311 windows): per-process memory, or Redis shared by every process and
# machine when SIGAP_REDIS_URL (or its older name SIGAP_REDIS_CACHE_URL) is set.
SIGAP_REDIS_URL = os.environ.get("SIGAP_REDIS_URL") or os.environ.get("SIGAP_REDIS_CACHE_URL", "")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if SIGAP_REDIS_URL:
    CACHES = {
        "default": {
            # Redis, and this process's memory while Redis does not answer (``sigap.core.sharedcache``)
            "BACKEND": "sigap.core.sharedcache.SharedCache",
            "LOCATION": SIGAP_REDIS_URL,
            "KEY_PREFIX": os.environ.get("SIGAP_REDIS_PREFIX", "sigap"),
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "secrets": {"()": "sigap.core.logfilters.ScrubSecrets"},
        "one_line": {"()": "sigap.core.logfilters.WithoutTraceback"},
        "task_errors": {"()": "sigap.core.logfilters.TaskErrorText"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("SIGAP_LOG_LEVEL", "INFO")},
    # PIL logs EXIF tag values (a photographer's name, GPS) at DEBUG: never let them reach a log.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["secrets"]},
        "django.security.DisallowedHost": {"filters": ["one_line"]},
        # Celery's "Task … raised unexpected: RuntimeError('…')" puts the exception's text in the message
        "celery.app.trace": {"filters": ["task_errors"]},
        "PIL": {"level": "WARNING"},
        # httpx logs request URLs at INFO; the Telegram Bot API puts the bot token in the URL
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}

# Working time for deadlines (Pergub 128/2017): office hours in TIME_ZONE; holidays are rows (admin).
SIGAP_DAY_START = os.environ.get("SIGAP_DAY_START", "08:00")
SIGAP_DAY_END = os.environ.get("SIGAP_DAY_END", "16:00")

# Rate limits for the public (citizen) API, per client IP (django-ninja throttling over the cache).
SIGAP_CITIZEN_RATE = os.environ.get("SIGAP_CITIZEN_RATE", "30/m")
SIGAP_TRACK_RATE = os.environ.get("SIGAP_TRACK_RATE", "120/m")

# Vault: previous master keys, readable until `sigap vault rotate` has re-wrapped every record.
SIGAP_VAULT_OLD_KEYS = [k for k in os.environ.get("SIGAP_VAULT_OLD_KEYS", "").split(",") if k.strip()]
# Access log: the audit key (urlsafe base64 of 32 bytes) keys the hash chain (HMAC) and signs checkpoints
# (Ed25519, derived). Not the vault key, never in the database. Embedded default: a generated file under SIGAP_HOME.
SIGAP_AUDIT_KEY = os.environ.get("SIGAP_AUDIT_KEY", "")
SIGAP_AUDIT_KEY_FILE = os.environ.get("SIGAP_AUDIT_KEY_FILE", str(SIGAP_HOME / "audit.key"))
SIGAP_AUDIT_OLD_KEYS = [k for k in os.environ.get("SIGAP_AUDIT_OLD_KEYS", "").split(",") if k.strip()]
# Where `sigap audit checkpoint` writes by default and whose checkpoints `sigap audit verify` and the audit API check.
SIGAP_AUDIT_CHECKPOINT_DIR = os.environ.get("SIGAP_AUDIT_CHECKPOINT_DIR", "")
# The nightly verification reads the rows appended since its last run and this many older rows in turn (so every
# row is read again within rows-in-the-log / this nights); `sigap audit verify` by hand reads the whole log.
SIGAP_AUDIT_VERIFY_SWEEP_ROWS = int(os.environ.get("SIGAP_AUDIT_VERIFY_SWEEP_ROWS", "5000000"))
# Retention: identities and original photos are crypto-shredded this many days after a report closes.
SIGAP_RETENTION_DAYS = int(os.environ.get("SIGAP_RETENTION_DAYS", "365"))
# A report waiting for the reporter's answer is closed after this many working days without one.
SIGAP_REPORTER_ANSWER_DAYS = int(os.environ.get("SIGAP_REPORTER_ANSWER_DAYS", "5"))
# A photo whose own GPS is farther than this from the reported place triggers a warning to the reporter.
SIGAP_PHOTO_GPS_WARN_M = float(os.environ.get("SIGAP_PHOTO_GPS_WARN_M", "150"))
# Proof checks (sigap.reports.proofcheck): two photos whose perceptual hashes differ in at most this many of 64
# bits are "the same picture"; an after photo taken less than this many minutes after the before is flagged.
SIGAP_PROOF_PHASH_DISTANCE = int(os.environ.get("SIGAP_PROOF_PHASH_DISTANCE", "6"))
SIGAP_PROOF_MIN_MINUTES = int(os.environ.get("SIGAP_PROOF_MIN_MINUTES", "15"))
# Unit performance (``sigap.analytics.performance``): a share, time or mean rests on at least this many reports,
# and a Selesai whose work (Proses to the request for validation) took less than this many minutes is "quick"
SIGAP_STATS_MIN_COUNT = int(os.environ.get("SIGAP_STATS_MIN_COUNT", "5"))
SIGAP_STATS_QUICK_MINUTES = int(os.environ.get("SIGAP_STATS_QUICK_MINUTES", "15"))
# Escalation (sigap.reports.escalation): the unit a kota's or a dinas's missed deadline goes up to.
SIGAP_ESCALATION_TOP = os.environ.get("SIGAP_ESCALATION_TOP", "biro-pemerintahan")

# Map tiles for the Leaflet maps (an XYZ URL template); the tile host is added to the Content-Security-Policy.
# Empty (the default): maps show markers and the kota outlines without a base layer. A city sets its own tile
# server or a provider it has an agreement with (docs/deployment.md): OpenStreetMap's own tile servers forbid
# heavy use, so they are only the demo's (`make run`).
SIGAP_TILE_URL = os.environ.get("SIGAP_TILE_URL", "")
SIGAP_TILE_ATTRIBUTION = os.environ.get("SIGAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
LOGIN_URL = "/petugas/masuk/"
LOGIN_REDIRECT_URL = "/petugas/"
LOGOUT_REDIRECT_URL = "/"
SIGAP_CITY_NAME = os.environ.get("SIGAP_CITY_NAME", "DKI Jakarta")


# Channels: each is enabled when its secrets are set. Base URLs are configurable so tests (and a
# city's proxy) can point the real client code at another endpoint.
def _channel(prefix: str, **defaults: str) -> dict:
    return {key: os.environ.get(f"SIGAP_{prefix}_{key.upper()}", default) for key, default in defaults.items()}


SIGAP_CHANNELS = {
    "whatsapp": _channel(
        "WHATSAPP",
        verify_token="",
        app_secret="",
        access_token="",
        phone_number_id="",
        api_base="https://graph.facebook.com/v21.0",
    ),
    "telegram": _channel("TELEGRAM", bot_token="", secret_token="", api_base="https://api.telegram.org"),
    "sms": _channel("SMS", inbound_secret="", outbound_url="", outbound_token="", keyword="LAPOR"),
    "email": _channel(
        "EMAIL",
        inbound_secret="",
        imap_host="",
        imap_port="993",
        imap_user="",
        imap_password="",
        imap_ssl="1",
        imap_folder="INBOX",
        address="",
        # the city's mail server's name in its Authentication-Results headers (RFC 8601); when set, a mail whose
        # From that server found forged (DMARC failed) is not processed
        authserv_id="",
    ),
    "twitter": _channel("TWITTER", consumer_secret="", bearer_token="", account_ids="", api_base="https://api.x.com"),
    "facebook": _channel(
        "FACEBOOK",
        app_secret="",
        verify_token="",
        page_token="",
        page_ids="",
        api_base="https://graph.facebook.com/v21.0",
    ),
    "instagram": _channel(
        "INSTAGRAM",
        app_secret="",
        verify_token="",
        access_token="",
        account_ids="",
        api_base="https://graph.facebook.com/v21.0",
    ),
    "lapor": _channel("LAPOR", api_base="", token="", instansi=""),
}
SIGAP_WEBHOOK_MAX_BYTES = int(os.environ.get("SIGAP_WEBHOOK_MAX_BYTES", str(2 * 1024 * 1024)))
SIGAP_MEDIA_MAX_BYTES = int(os.environ.get("SIGAP_MEDIA_MAX_BYTES", str(10 * 1024 * 1024)))
SIGAP_CONVERSATION_HOURS = float(os.environ.get("SIGAP_CONVERSATION_HOURS", "24"))
# A short reply ("2", "ya") the same as the one before, received within this many seconds of the question it would
# answer (or before it was asked), is that reply again (a double tap, a gateway's re-send), not an answer to it
SIGAP_DIALOG_REPEAT_SECONDS = float(os.environ.get("SIGAP_DIALOG_REPEAT_SECONDS", "3"))
# A chat message from a resident this many minutes after they answered an officer's question is more of that answer
# (residents answer in two or three messages), not a new report
SIGAP_ANSWER_MORE_MINUTES = float(os.environ.get("SIGAP_ANSWER_MORE_MINUTES", "10"))
# the questions an officer may put to an Anonim reporter ({code: [Bahasa Indonesia, English]}); empty: the shipped
# list (sigap.reports.questions)
SIGAP_ANONYMOUS_QUESTIONS = json.loads(os.environ.get("SIGAP_ANONYMOUS_QUESTIONS") or "{}")
# Hosts besides the government's (.go.id) an officer's question or note may link or mail to: public services a
# rejection sends the reporter to, which no officer runs (each with its subdomains; comma-separated)
SIGAP_OFFICIAL_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "SIGAP_OFFICIAL_HOSTS",
        "pln.co.id,pamjaya.co.id,transjakarta.co.id,jakarta.go.id,kai.id,commuterline.id,jasamarga.com,"
        "bpjs-kesehatan.go.id,bpjsketenagakerjaan.go.id",
    ).split(",")
    if h.strip()
]
# the parts of a long SMS are handled together; a part the network lost is given up after this long
SIGAP_SMS_PARTS_WAIT_MINUTES = float(os.environ.get("SIGAP_SMS_PARTS_WAIT_MINUTES", "10"))
# a chat reply YA / TIDAK + reason to "is it really fixed?" is taken as the answer for this many days after Selesai
SIGAP_CONFIRM_REPLY_DAYS = int(os.environ.get("SIGAP_CONFIRM_REPLY_DAYS", "7"))

# Staff sign-in (docs/deployment.md, "Staff sign-in").
# Second factor (TOTP, django-otp) for accounts with a role above officer and for admin accounts (is_staff or
# is_superuser), on the console login, the admin login and POST /api/v1/officer/auth/token. Must stay on in
# production; tests switch it off except where they test it.
SIGAP_OTP_REQUIRED = _env_bool("SIGAP_OTP_REQUIRED", True)
SIGAP_OTP_ROLES = frozenset(
    r.strip()
    for r in os.environ.get("SIGAP_OTP_ROLES", "unit_admin,validator,supervisor,privacy_officer,auditor").split(",")
    if r.strip()
)
OTP_TOTP_ISSUER = os.environ.get("SIGAP_OTP_ISSUER", "Sigap")
# API tokens stop working this many hours after they were issued.
SIGAP_API_TOKEN_HOURS = float(os.environ.get("SIGAP_API_TOKEN_HOURS", "12"))
# a staff session (console, admin) ends this long after its sign-in
SIGAP_STAFF_SESSION_HOURS = float(os.environ.get("SIGAP_STAFF_SESSION_HOURS", "12"))
# django-axes' records of staff sign-ins and failed sign-ins are removed by the nightly housekeeping after this many
# days (0: kept for ever).
SIGAP_SIGNIN_LOG_DAYS = int(os.environ.get("SIGAP_SIGNIN_LOG_DAYS", "365"))
# Sign-in lockout (django-axes, sigap/core/throttles.py): failures within AXES_COOLOFF_TIME per account and
# address, per account from any address, and per address for any account.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
SIGAP_LOGIN_LOCKOUT = {
    "account_address": int(os.environ.get("SIGAP_LOGIN_LIMIT_ACCOUNT_ADDRESS", "5")),
    "account": int(os.environ.get("SIGAP_LOGIN_LIMIT_ACCOUNT", "20")),
    "address": int(os.environ.get("SIGAP_LOGIN_LIMIT_ADDRESS", "100")),
}
AXES_HANDLER = "sigap.core.throttles.LockoutHandler"
AXES_FAILURE_LIMIT = SIGAP_LOGIN_LOCKOUT["account_address"]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_COOLOFF_TIME = float(os.environ.get("SIGAP_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_CLIENT_IP_CALLABLE = "sigap.core.throttles.client_ip"
AXES_LOCKOUT_CALLABLE = "sigap.core.throttles.lockout_response"
AXES_RESET_ON_SUCCESS = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp", "otp_token"]
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # failures and lockouts are WARNING; no banner at every start
