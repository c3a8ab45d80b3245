"""Settings for a developer's machine: `make run` uses these."""

from .base import *
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
ACCOUNT_EMAIL_VERIFICATION = "optional"
