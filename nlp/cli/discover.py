"""``discover``: find candidate themes in a file of segments with BERTopic, and score them against
the file's labels when it has some."""

from __future__ import annotations

import sys
import time
from dataclasses import asdict

from nlp.cli import CliError
from nlp.cli.common import add_embedding_options, embedder_from_args, existing_file, print_json
from nlp.data import read_segments


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "discover",
        help="find candidate themes (topics) in segments",
        description="Cluster segments into candidate themes; with labels, report NMI and ARI.",
    )
    p.add_argument("--data", required=True, help="CSV with a text column (labels optional)")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="labels", help="labels to score topics against")
    p.add_argument("--codebook", help="codebook YAML or definitions CSV to seed and compare with")
    p.add_argument("--min-topic-size", type=int, help="smallest topic (default: 0.5%% of rows)")
    p.add_argument("--limit", type=int, help="use only the first N segments")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_embedding_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from nlp.discovery import discover

    started = time.perf_counter()
    path = existing_file(args.data, "--data")
    if args.min_topic_size is not None and args.min_topic_size < 2:
        raise CliError("--min-topic-size must be at least 2")
    if args.limit is not None and args.limit < 10:
        raise CliError("--limit must be at least 10")
    data = read_segments(path, text_column=args.text_column, label_column=args.label_column)
    texts = data.texts[: args.limit] if args.limit else data.texts
    if len(texts) < 10:
        raise CliError(f"{path} has {len(texts)} segments; discovery needs at least 10")
    labels = None
    if data.labels is not None:
        # Topics are one per segment, so a segment is scored by its first label.
        rows = data.labels[: len(texts)]
        if all(rows):
            labels = [row[0] for row in rows]
    embedder = embedder_from_args(args)
    embeddings = embedder.encode(texts)
    codebook = vectors = None
    if args.codebook:
        from nlp.cli.evaluate import _load_codebook

        codebook_path = existing_file(args.codebook, "--codebook")
        codebook = _load_codebook(args_with_defaults(args), codebook_path)
        vectors = embedder.encode([t.description() for t in codebook.leaves()])
    result = discover(
        texts,
        embeddings,
        labels=labels,
        codebook=codebook,
        codebook_vectors=vectors,
        min_topic_size=args.min_topic_size,
    )
    out = {
        "n_segments": len(texts),
        "n_topics": len(result.themes),
        "n_outliers": result.n_outliers,
        "nmi": result.nmi,
        "ari": result.ari,
        "seconds": round(time.perf_counter() - started, 2),
        "topics": [asdict(t) for t in result.themes],
    }
    if args.json:
        print_json(out)
    else:
        _print_text(out)
    return 0


def args_with_defaults(args):
    """Discover has no definition-column options; the codebook loader expects them."""
    for name in ("definition_label_column", "definition_column"):
        if not hasattr(args, name):
            setattr(args, name, None)
    return args


def _print_text(out: dict) -> None:
    w = sys.stdout.write
    w(f"{out['n_topics']} topics in {out['n_segments']} segments ({out['n_outliers']} outliers)\n")
    if out["nmi"] is not None:
        w(f"NMI {out['nmi']:.3f}, ARI {out['ari']:.3f}\n")
    for t in out["topics"]:
        w(f"\n[{t['size']}] {t['label']}\n  terms: {', '.join(t['key_terms'])}\n")
        for quote in t["representative_quotes"]:
            w(f"  - {' '.join(quote.split())[:140]}\n")
        if t["nearest_codebook_themes"]:
            near = ", ".join(f"{k} ({s:.2f})" for k, s in t["nearest_codebook_themes"])
            w(f"  nearest codebook themes: {near}\n")
