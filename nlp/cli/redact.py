"""The ``redact`` command: redact personal data from text on standard input.

Output keeps the input's shape: exactly one output line per input line (empty lines included),
so the result can be pasted back beside the original. ``--json`` prints instead one JSON array
of ``{"line": n, "text": redacted, "spans": [{"start", "end", "kind"}]}``, with each span's
``original`` only under ``--show-originals`` (the point of redacting is not to print it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

BATCH_LINES = 256


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``redact`` subcommand; the caller runs ``args.func(args)``."""
    parser = subparsers.add_parser(
        "redact",
        help="redact personal data from text on stdin, line for line",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    parser.add_argument(
        "--json", action="store_true", help="print a JSON array of lines with their spans"
    )
    parser.add_argument(
        "--no-ner", action="store_true", help="patterns only (fast; no spaCy model needed)"
    )
    parser.add_argument(
        "--show-originals",
        action="store_true",
        help="with --json, include each span's original text",
    )
    parser.add_argument(
        "--name",
        action="append",
        default=[],
        metavar="NAME",
        help="a name to redact wherever it occurs (repeatable), e.g. a speaker's",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Redact stdin to stdout. Returns 0, or 1 when the NER model is missing."""
    from nlp.text.redaction import redact_many
    from nlp.text.redaction.ner import NerUnavailable

    out = sys.stdout
    first = True
    line_number = 0
    if args.json:
        out.write("[")
    try:
        for batch in _batches(sys.stdin):
            results = redact_many(batch, use_ner=not args.no_ner, known_names=args.name)
            for result in results:
                line_number += 1
                if not args.json:
                    out.write(result.text + "\n")
                    continue
                record = {
                    "line": line_number,
                    "text": result.text,
                    "spans": [_span_json(span, args.show_originals) for span in result.spans],
                }
                out.write(("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False))
                first = False
    except NerUnavailable as error:
        print(f"redact: {error}", file=sys.stderr)
        return 1
    if args.json:
        out.write("\n]\n" if not first else "]\n")
    out.flush()
    return 0


def _batches(stream) -> Iterator[list[str]]:
    # Split on "\n" only: other Unicode line breaks inside a line must not add output lines.
    batch: list[str] = []
    for raw in stream:
        batch.append(raw.rstrip("\n").rstrip("\r"))
        if len(batch) == BATCH_LINES:
            yield batch
            batch = []
    if batch:
        yield batch


def _span_json(span, show_original: bool) -> dict[str, object]:
    item: dict[str, object] = {"start": span.start, "end": span.end, "kind": span.kind}
    if show_original:
        item["original"] = span.original
    return item
