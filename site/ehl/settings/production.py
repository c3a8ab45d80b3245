"""Settings for a deployment. Refuses to start without the settings that keep data safe."""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .env import env_bool, env_int, env_list, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
if SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names this site answers to.")
# Emails link to the site's public address: the first host it answers to, unless set.
EHL_SITE_URL = env_str("EHL_SITE_URL", f"https://{ALLOWED_HOSTS[0].lstrip('.')}").rstrip("/")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", EHL_SITE_URL)
if not env_str("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL must point at the production database (PostgreSQL recommended)."
    )

EHL_REQUIRE_MFA_FOR_STAFF = env_bool("EHL_REQUIRE_MFA_FOR_STAFF", True)
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
