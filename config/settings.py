"""One settings module; everything that differs between machines comes from the environment.

The variables are listed in SPEC.md and `.env.example`.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
import dj_email_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

# Generic Django classes (QuerySet[Model], Prefetch[...]) subscriptable at run time, for the type hints.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set unless DJANGO_DEBUG=1.")
    SECRET_KEY = "insecure-debug-only-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_URL.startswith("https://") else []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "axes",
    "programme",
    "ticketing",
    "exhibitors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ticketing.audit.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.LockTimeoutMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Connections are kept like PostgreSQL's (opening one costs a file open and four PRAGMAs).
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock at BEGIN, so a read-then-write never deadlocks.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that asks the socket first (config/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
    # A row lock waited on longer than this fails the request with 503 + Retry-After.
    DATABASES["default"]["OPTIONS"] = {
        "options": f"-c lock_timeout={int(os.environ.get('DATABASE_LOCK_TIMEOUT_MS', '5000'))}"
    }
    if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # Parameters bound on the server, and a statement run a fifth time on a connection is
        # prepared (psycopg): the hot paths' statements skip PostgreSQL's parse and plan. Switch
        # off (0) behind a connection pooler in transaction mode (PgBouncer without prepared
        # statement support).
        DATABASES["default"]["OPTIONS"] |= {"server_side_binding": True, "prepare_threshold": 5}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, else local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if os.environ.get("DJANGO_CACHE") == "off":  # measuring the cold paths (bench/run.py): nothing is kept
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif REDIS_URL:
    # An outage of Redis only slows the site down: reads miss, writes are dropped (config/cache.py).
    _cache_timeout = float(os.environ.get("CACHE_SOCKET_TIMEOUT", "0.25"))
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks (PDF rendering, e-mail, Stripe clean-up), run outside the request by a worker in
# production: through Redis with RQ when REDIS_URL is set (`manage.py rqworker --with-scheduler
# --job-class django_tasks_rq.Job`, docs/deploy.md), else queued in the database (`manage.py db_worker`). In debug they run in
# the request; TASKS_BACKEND (immediate, database, rq) chooses explicitly.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or ("immediate" if DEBUG else "rq" if REDIS_URL else "database")
if TASKS_BACKEND == "rq" and not REDIS_URL:
    raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
        }[TASKS_BACKEND]
    }
}
# RQ's queue (django-rq): the task queue lives in the same Redis as the cache.
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: German first, English complete. Stored in UTC, shown in Berlin time.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-mail
EMAIL_URL = os.environ.get("EMAIL_URL", "console://" if DEBUG else "smtp://localhost:25")
_email = dj_email_url.parse(EMAIL_URL)
_mailer_options = {}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    _mailer_options = {
        "host": _email["EMAIL_HOST"],
        "port": _email["EMAIL_PORT"],
        "username": _email["EMAIL_HOST_USER"] or None,
        "password": _email["EMAIL_HOST_PASSWORD"] or None,
        "use_tls": _email["EMAIL_USE_TLS"],
        "use_ssl": _email["EMAIL_USE_SSL"],
        "timeout": _email.get("EMAIL_TIMEOUT") or 10,
    }
elif _email["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    _mailer_options = {"file_path": _email["EMAIL_FILE_PATH"]}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SCCON <tickets@sccon.example>")

# Security: production defaults, relaxed only in debug.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Behind a TLS-terminating proxy (the production setup) trust its X-Forwarded-Proto; set
# DJANGO_BEHIND_PROXY=0 when gunicorn faces clients directly, so the header cannot be spoofed.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=True)
if BEHIND_PROXY:
    # ... and the last address of X-Forwarded-For is the client's (config.ratelimit.client_ip).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (Django's own middleware), on every page and answer: our own files
# only, no inline script or style attribute anywhere; the few inline <style> blocks (admin
# pages, Swagger UI, the browsable API) carry the per-request nonce. The scanner pages add
# 'wasm-unsafe-eval' for their QR decoder (`SCANNER_CSP`); forms may send the buyer on to
# Stripe's checkout page. docs/security.md.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF, "https://checkout.stripe.com"],
    "frame-ancestors": [CSP.NONE],
}
SCANNER_CSP: dict[str, list[str]] = {**SECURE_CSP, "script-src": [*SECURE_CSP["script-src"], CSP.WASM_UNSAFE_EVAL]}
if not DEBUG and not SECURE_SSL_REDIRECT:
    # A proxy in front does the redirect; tell `check --deploy` so.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]

# REST framework and the OpenAPI schema
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # The API takes JSON only (nested bodies such as an order's tickets have no form encoding).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "PAGE_SIZE": 50,
    # `?format=` is the session format filter (SPEC.md), not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_RATES": {
        # Per scanner device (or door-staff user): far above a real door (SPEC: 20 scans a second),
        # low enough that a stuck scanner cannot flood the server.
        "checkin_scan": "40/s",
        "checkin_sync": "60/m",
        # Per client address (config.ratelimit): generous for an office behind one address,
        # tight enough to stop a script.
        "order_create": os.environ.get("RATE_ORDER_CREATE", "30/m"),
        "secret_lookup_failure": os.environ.get("RATE_SECRET_LOOKUP_FAILURE", "30/h"),
        "exhibitor_apply": os.environ.get("RATE_EXHIBITOR_APPLY", "10/h"),
    },
}
# `RATE_LIMITS=0` switches every rate limit off (e.g. for a benchmark).
RATE_LIMITS = env_bool("RATE_LIMITS", default=True)
SPECTACULAR_SETTINGS = {
    "TITLE": "SCCON API",
    "DESCRIPTION": "Programme, tickets, check-in and exhibitors of the Smart Country Convention.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"CheckInResultEnum": "ticketing.enums.CheckInResult"},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.api.document_errors"],
}

# Ticket shop
TICKET_SIGNING_KEY = os.environ.get("TICKET_SIGNING_KEY", "")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
# How long an unpaid card order holds its tickets, and how long an invoice may stay unpaid.
ORDER_HOLD_MINUTES = int(os.environ.get("ORDER_HOLD_MINUTES", "30"))
INVOICE_PAYMENT_DAYS = int(os.environ.get("INVOICE_PAYMENT_DAYS", "14"))
# GDPR: `manage.py anonymise_attendees` (daily from cron) anonymises buyers and attendees of
# editions that ended this many days ago (docs/privacy.md).
ANONYMISE_AFTER_DAYS = int(os.environ.get("ANONYMISE_AFTER_DAYS", "180"))
# The seller on invoices (§14 UStG) and the account for bank transfers.
SELLER = {
    "name": os.environ.get("SELLER_NAME", "Bitkom Servicegesellschaft mbH"),
    "street": os.environ.get("SELLER_STREET", "Albrechtstraße 10"),
    "postcode": os.environ.get("SELLER_POSTCODE", "10117"),
    "city": os.environ.get("SELLER_CITY", "Berlin"),
    "country": os.environ.get("SELLER_COUNTRY", "DE"),
    "vat_id": os.environ.get("SELLER_VAT_ID", "DE000000000"),
    "tax_number": os.environ.get("SELLER_TAX_NUMBER", ""),
    "email": os.environ.get("SELLER_EMAIL", "tickets@sccon.example"),
    "phone": os.environ.get("SELLER_PHONE", "+49 30 27576 0"),
    "contact": os.environ.get("SELLER_CONTACT", "Ticket office"),
    "bank_name": os.environ.get("SELLER_BANK_NAME", "Demo Bank"),
    "iban": os.environ.get("SELLER_IBAN", "DE02100100100006820101"),
    "bic": os.environ.get("SELLER_BIC", "PBNKDEFFXXX"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Logins (admin and the site's own) are locked out after repeated failures (django-axes): per
# user name and address, so a guesser elsewhere cannot lock the real user out. The attempts and
# lockouts are listed in admin; `manage.py axes_reset` lifts them.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = RATE_LIMITS
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "config.ratelimit.login_locked_out"
AXES_VERBOSE = False

# The site's own login (door and exhibitor staff are not admin users); admin keeps its own.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
