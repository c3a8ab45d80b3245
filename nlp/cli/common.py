"""Helpers shared by the subcommands: output and argument checks."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from nlp.cli import CliError


def existing_file(path: str | None, option: str) -> Path:
    """The path, checked to be an existing file, or a CliError naming the option."""
    if not path:
        raise CliError(f"{option} is required")
    p = Path(path)
    if not p.is_file():
        raise CliError(f"{option}: file not found: {path}")
    return p


def _clean(value):
    # JSON has no NaN: report an undefined score as null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def print_json(data: dict) -> None:
    """One JSON object on stdout."""
    json.dump(_clean(data), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def embedder_from_args(args):
    """The MiniLM embedder honouring ``--cache-dir`` / ``--no-cache``."""
    from nlp.embeddings import Embedder

    if getattr(args, "no_cache", False):
        return Embedder(cache_dir=False)
    return Embedder(cache_dir=getattr(args, "cache_dir", None))


def add_embedding_options(parser) -> None:
    """``--cache-dir`` and ``--no-cache`` for commands that embed text."""
    parser.add_argument(
        "--cache-dir", help="embedding cache directory (default $EHL_NLP_CACHE or ~/.cache/ehl-nlp)"
    )
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
