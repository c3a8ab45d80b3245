"""``simulate``: measure a strategy for choosing what people review, on a simulated reviewer.

    python -m nlp simulate --pool POOL.csv --test TEST.csv --strategy useful \\
        --start 50 --budget 1000 --step 50 --seed 0 --json [--predictions OUT.csv]

The pool's labels are revealed only for the rows the strategy picks (see ``nlp.simulate``);
after each batch the suggester is retrained on what was revealed and scored on TEST. Same CSV
rules as ``evaluate`` (columns id, text, labels; several labels joined with '|')."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nlp.active import BEST, STRATEGIES
from nlp.cli import CliError
from nlp.cli.common import add_embedding_options, embedder_from_args, existing_file, print_json
from nlp.data import DataError, read_segments, write_predictions


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "simulate",
        help="measure a review-order strategy on a simulated reviewer",
        description=(
            "Code --pool a batch at a time in the order a strategy chooses, revealing only the "
            "chosen rows' labels, retrain after every batch and score --test. CSV columns: id, "
            "text, labels (several joined with '|')."
        ),
    )
    p.add_argument("--pool", help="CSV of segments to choose from; its labels play the reviewer")
    p.add_argument("--test", help="CSV to score against after every batch")
    p.add_argument(
        "--strategy",
        default="best",
        choices=[*STRATEGIES, "best"],
        help=f"how to choose the next rows (default best, which is {BEST!r})",
    )
    p.add_argument("--start", type=int, default=50, help="rows coded before the first model")
    p.add_argument("--budget", type=int, default=1000, help="codes in all")
    p.add_argument("--step", type=int, default=50, help="rows coded between trainings")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--codebook",
        help="definitions CSV (label,definition) or codebook YAML: strategies may search for "
        "its themes and learn from its words",
    )
    p.add_argument(
        "--priors",
        choices=["auto", "on", "off"],
        default="auto",
        help="let the model learn from the codebook's words while a theme has few codes "
        "(auto: as the strategy does; needs --codebook)",
    )
    p.add_argument("--definition-label-column", help="label column of the definitions CSV")
    p.add_argument("--definition-column", help="definition column of the definitions CSV")
    p.add_argument("--label-column", default="labels")
    p.add_argument("--text-column", default="text")
    p.add_argument("--id-column", default="id")
    p.add_argument("--predictions", help="write id,labels of --test after the last step")
    p.add_argument("--no-embeddings", action="store_true", help="n-gram features only, no MiniLM")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_embedding_options(p)
    p.set_defaults(func=run)


def _check(args) -> None:
    for name in ("start", "budget", "step"):
        if getattr(args, name) < 1:
            raise CliError(f"--{name} must be at least 1")
    if args.start > args.budget:
        raise CliError(f"--start {args.start} is more than --budget {args.budget}")
    if args.priors == "on" and not args.codebook:
        raise CliError("--priors on needs --codebook (the words come from its themes)")
    if args.predictions and not Path(args.predictions).resolve().parent.is_dir():
        raise CliError(f"--predictions: folder does not exist: {Path(args.predictions).parent}")


def _read(args, option: str):
    path = existing_file(getattr(args, option.strip("-")), option)
    data = read_segments(
        path,
        text_column=args.text_column,
        label_column=args.label_column,
        id_column=args.id_column,
        require_labels=True,
    )
    if len(data) == 0:
        raise DataError(f"{option} {path} has no labelled rows")
    return data


def _hints(args, encode):
    from nlp.active import theme_hints
    from nlp.cli.evaluate import _load_codebook

    if not args.codebook:
        return []
    return theme_hints(_load_codebook(args, existing_file(args.codebook, "--codebook")), encode)


class _HashedWords:
    """Stands in for MiniLM under ``--no-embeddings``: strategies get unit vectors of hashed
    words, so diversity and theme search still work, without a model."""

    name = "hashed-words"

    def encode(self, texts):
        import hashlib

        import numpy as np

        out = np.zeros((len(texts), 256), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in str(text).lower().split():
                digest = hashlib.blake2b(word.strip(".,;:!?\"'()").encode(), digest_size=4)
                out[row, int.from_bytes(digest.digest(), "little") % 256] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


def run(args) -> int:
    from nlp.active import USES_PRIORS, strategy
    from nlp.simulate import Oracle, simulate
    from nlp.supervised import SupervisedSuggester

    started = time.perf_counter()
    _check(args)
    pool, test = _read(args, "--pool"), _read(args, "--test")
    if len(pool.label_set) < 2:
        raise CliError("--pool: needs at least two different labels")
    if args.budget > len(pool):
        raise CliError(f"--budget {args.budget} is more than the {len(pool)} rows of --pool")
    use_embeddings = not args.no_embeddings
    encoder = embedder_from_args(args) if use_embeddings else _HashedWords()
    pool_vectors = encoder.encode(pool.texts)
    test_vectors = encoder.encode(test.texts) if use_embeddings else None

    def make_model():
        return SupervisedSuggester(embedder=encoder, use_embeddings=use_embeddings)

    def progress(step) -> None:
        if not args.json:
            print(
                f"{step.n_coded:6d} coded: micro-F1 {step.micro_f1:.3f}, "
                f"macro-F1 {step.macro_f1:.3f} ({step.seconds:.1f} s)",
                file=sys.stdout,
                flush=True,
            )

    used = BEST if args.strategy == "best" else args.strategy
    priors = args.priors == "on" or (args.priors == "auto" and used in USES_PRIORS)
    hints = _hints(args, encoder.encode)
    result = simulate(
        pool.texts,
        pool_vectors,
        Oracle(pool.labels),
        test.texts,
        test_vectors,
        test.labels,
        strategy(args.strategy),
        make_model,
        start=args.start,
        budget=args.budget,
        step=args.step,
        seed=args.seed,
        themes=hints,
        priors=priors and bool(hints),
        on_step=progress,
    )
    if args.predictions:
        write_predictions(args.predictions, test.ids, result.predictions)
    if args.json:
        print_json(
            {
                "strategy": args.strategy,
                "strategy_used": used,
                "priors": priors and bool(hints),
                "n_pool": len(pool),
                "n_test": len(test),
                "seed": args.seed,
                "final_micro_f1": round(result.steps[-1].micro_f1, 4),
                "final_macro_f1": round(result.steps[-1].macro_f1, 4),
                "seconds": round(time.perf_counter() - started, 2),
                "steps": [s.as_dict() for s in result.steps],
            }
        )
    return 0
