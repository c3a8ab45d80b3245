"""Reading the demo programme's inputs (`site/demo/content/programme.yaml`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from engagement.services.reference import read_yaml

PROGRAMME_FILE = Path(__file__).resolve().parents[1] / "content" / "programme.yaml"


@lru_cache(maxsize=1)
def programme_config() -> dict:
    return read_yaml(PROGRAMME_FILE)
