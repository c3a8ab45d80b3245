#!/usr/bin/env python
"""Django's command-line utility for the EHL insight platform."""

import os
import sys
from pathlib import Path


def main() -> None:
    # site/ holds the project package; it cannot itself be a package (`site` is a stdlib module).
    sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehl.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
