"""Settings for the test suite: fast hashing, tasks run immediately, mail kept in memory."""

from .base import *

SECRET_KEY = "test-secret-key"  # noqa: S105 - only ever used by the test suite
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": TASK_BACKENDS["immediate"]}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ACCOUNT_RATE_LIMITS = False
EHL_SITE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
# A Redis database of its own, so the RQ tests never touch a developer's queues.
RQ_QUEUES = {
    "default": {"URL": "redis://127.0.0.1:6379/15", "DEFAULT_TIMEOUT": 60},
    "nlp": {"URL": "redis://127.0.0.1:6379/15", "DEFAULT_TIMEOUT": 600},
}
EHL_REDACTION_NER = False  # the NER path has its own tests; the rest need not load a model
EHL_EMBEDDER = "hashing"  # the real model has its own tests in tests/nlp
