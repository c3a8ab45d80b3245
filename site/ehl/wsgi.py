"""WSGI entry point (gunicorn ehl.wsgi, run from the repository root with site/ on the path)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehl.settings.production")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
