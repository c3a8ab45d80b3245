"""Command line for the NLP engine: ``python -m nlp {evaluate,simulate,discover,redact,bench}``.

Each subcommand lives in ``nlp/cli/<name>.py`` and exposes ``register(subparsers)``, which adds
its parser and sets ``func(args) -> int``. Errors a user can fix (missing file, wrong column,
empty data, bad option) print one line on stderr and exit non-zero, never a traceback; set
``EHL_NLP_DEBUG=1`` to see the traceback of an unexpected failure.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from nlp.data import DataError


class CliError(Exception):
    """A problem with the command's arguments or inputs, shown to the user as is."""


def _register_redact(subparsers) -> None:
    try:
        from nlp.cli import redact
    except ImportError:

        def unavailable(_args) -> int:
            print("error: redact is not available yet", file=sys.stderr)
            return 2

        parser = subparsers.add_parser("redact", help="remove personal details (not available)")
        parser.set_defaults(func=unavailable)
        return
    redact.register(subparsers)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand registered."""
    from nlp.cli import bench, discover, evaluate, simulate

    parser = argparse.ArgumentParser(
        prog="python -m nlp",
        description="Theme coding engine: evaluate, simulate, discover, bench.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    evaluate.register(subparsers)
    simulate.register(subparsers)
    discover.register(subparsers)
    _register_redact(subparsers)
    bench.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has already printed usage and the error
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except (CliError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("EHL_NLP_DEBUG"):
            raise
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
