"""``python -m nlp``: the engine's command line."""

import sys

from nlp.cli import main

sys.exit(main())
