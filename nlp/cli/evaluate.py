"""``evaluate``: score the supervised suggester (``--train``) or codebook coding from definitions
(``--codebook``) against the labels of a test file, or cross-validate the suggester on one file
(``--train FILE --cv K``).

``--train-size N`` trains on a seeded random sample of N training rows (for learning curves);
``--seed`` picks the sample and the cross-validation folds."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nlp.cli import CliError
from nlp.cli.common import add_embedding_options, embedder_from_args, existing_file, print_json
from nlp.data import DataError, read_segments, read_table, write_predictions
from nlp.metrics import multilabel_report


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "evaluate",
        help="train on one file and score on another, or code from a codebook and score",
        description=(
            "Train on --train and score on --test, or code --test from --codebook definitions "
            "alone. CSV columns: id, text, labels (several joined with '|')."
        ),
    )
    p.add_argument("--test", help="CSV to score against (not with --cv)")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--train", help="CSV of coded segments to learn from")
    source.add_argument("--codebook", help="definitions CSV (label,definition) or codebook YAML")
    p.add_argument("--label-column", default="labels", help="column holding labels")
    p.add_argument("--text-column", default="text")
    p.add_argument("--id-column", default="id")
    p.add_argument(
        "--sentiment",
        action="store_true",
        help="treat the label column as sentiment (1–5 FFT scores → negative/neutral/positive); "
        "on by default for a column named 'sentiment'",
    )
    p.add_argument("--definition-label-column", help="label column of the definitions CSV")
    p.add_argument("--definition-column", help="definition column of the definitions CSV")
    p.add_argument(
        "--cv",
        type=int,
        metavar="K",
        help="K-fold cross-validation on --train instead of scoring a --test file",
    )
    p.add_argument(
        "--train-size", type=int, metavar="N", help="train on a random sample of N training rows"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of --train-size and --cv (default 0)")
    p.add_argument(
        "--predictions",
        help="write id,labels per test row to this CSV (out-of-fold predictions with --cv)",
    )
    p.add_argument("--no-embeddings", action="store_true", help="n-gram features only, no MiniLM")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_embedding_options(p)
    p.set_defaults(func=run)


def _is_sentiment(args) -> bool:
    return bool(args.sentiment or args.label_column.lower() == "sentiment")


def _label_map(args, path: Path) -> dict[str, str] | None:
    if not _is_sentiment(args):
        return None
    from nlp.sentiment import sentiment_label_map

    header, rows = read_table(path)
    if args.label_column not in header:
        columns = ", ".join(header)
        raise DataError(f"{path} has no column {args.label_column!r} (columns: {columns})")
    mapping = sentiment_label_map({(r.get(args.label_column) or "").strip() for r in rows})
    if not mapping:
        raise DataError(f"{path}: column {args.label_column!r} holds no sentiment values")
    return mapping


def _read(args, path: Path, what: str):
    data = read_segments(
        path,
        text_column=args.text_column,
        label_column=args.label_column,
        id_column=args.id_column,
        require_labels=True,
        label_map=_label_map(args, path),
    )
    if len(data) == 0:
        raise DataError(f"{what} {path} has no labelled rows")
    return data


def _load_codebook(args, path: Path):
    from nlp.codebook import codebook_from_csv, codebook_from_yaml

    if path.suffix.lower() in (".yaml", ".yml"):
        return codebook_from_yaml(path)
    return codebook_from_csv(
        path, label_column=args.definition_label_column, definition_column=args.definition_column
    )


def _check_options(args) -> None:
    if args.cv is not None:
        if not args.train:
            raise CliError("--cv needs --train (it cross-validates the supervised suggester)")
        if args.test:
            raise CliError("--cv and --test do not go together: --cv scores held-out folds")
        if args.cv < 2:
            raise CliError("--cv must be at least 2")
    elif not args.test:
        raise CliError("--test is required (or --cv K with --train)")
    if args.train_size is not None:
        if not args.train:
            raise CliError("--train-size needs --train")
        if args.train_size < 2:
            raise CliError("--train-size must be at least 2")
    if args.predictions and not Path(args.predictions).resolve().parent.is_dir():
        raise CliError(f"--predictions: folder does not exist: {Path(args.predictions).parent}")


def run(args) -> int:
    started = time.perf_counter()
    _check_options(args)
    test_path = existing_file(args.test, "--test") if args.test else None
    result: dict = {}
    if args.train:
        train = _read(args, existing_file(args.train, "--train"), "training file")
        if len(train.label_set) < 2:
            raise CliError(f"--train: needs at least two different labels in {args.label_column!r}")
        if args.cv is not None:
            if args.cv > len(train):
                raise CliError(f"--cv {args.cv} is more folds than the {len(train)} training rows")
            test = train
            predicted, extra = _cross_validate(args, train)
            result.update(mode="cross-validation", n_train=extra.pop("n_train"), **extra)
        else:
            test = _read(args, test_path, "test file")
            train = _sample(train, args.train_size, args.seed)
            predicted, extra = _supervised(args, train, test)
            result.update(mode="supervised", n_train=len(train), **extra)
    else:
        codebook = _load_codebook(args, existing_file(args.codebook, "--codebook"))
        test = _read(args, test_path, "test file")
        predicted, extra = _from_codebook(args, codebook, test)
        result.update(mode="codebook", n_train=0, **extra)
    report = multilabel_report(test.labels, predicted)
    result.update(n_test=len(test), **report.as_dict())
    result["seconds"] = round(time.perf_counter() - started, 2)
    # Key figures first, per-label detail last, for a reader scanning the output.
    ordered = {k: result[k] for k in ("micro_f1", "macro_f1", "n_train", "n_test", "seconds")}
    ordered.update({k: v for k, v in result.items() if k not in ordered})
    if args.predictions:
        write_predictions(args.predictions, test.ids, predicted)
    if args.json:
        print_json(ordered)
    else:
        _print_text(ordered)
    return 0


def _sample(data, size: int | None, seed: int):
    """``size`` rows of ``data`` drawn without replacement (all of them when it has fewer)."""
    from nlp.types import LabelledData

    if size is None or size >= len(data):
        return data
    import numpy as np

    rows = sorted(np.random.default_rng(seed).choice(len(data), size=size, replace=False))
    picked = LabelledData(
        texts=[data.texts[i] for i in rows],
        labels=[data.labels[i] for i in rows],
        ids=[data.ids[i] for i in rows],
    )
    if len(picked.label_set) < 2:
        raise CliError(f"--train-size {size}: the sample holds fewer than two different labels")
    return picked


def _suggester(args):
    from nlp.supervised import SupervisedSuggester

    use_embeddings = not args.no_embeddings
    embedder = embedder_from_args(args) if use_embeddings else None
    config = None
    if _is_sentiment(args):
        from nlp.sentiment import SENTIMENT_CONFIG

        config = SENTIMENT_CONFIG
    return SupervisedSuggester(config, embedder=embedder, use_embeddings=use_embeddings)


def _cross_validate(args, data):
    """Out-of-fold predictions for every row, from K models each trained without its fold."""
    import numpy as np
    from sklearn.model_selection import KFold

    from nlp.types import LabelledData

    probe = _suggester(args)
    vectors = probe.embedder.encode(data.texts) if probe.use_embeddings else None
    predicted: list[list[str]] = [[] for _ in data.texts]
    folds = []
    splitter = KFold(args.cv, shuffle=True, random_state=args.seed)
    n_train = []
    for train_rows, held_rows in splitter.split(np.zeros(len(data))):
        train = _sample(
            LabelledData(
                texts=[data.texts[i] for i in train_rows],
                labels=[data.labels[i] for i in train_rows],
                ids=[str(i) for i in train_rows],
            ),
            args.train_size,
            args.seed,
        )
        rows = [int(i) for i in train.ids]
        model = _suggester(args)
        model.fit(train.texts, train.labels, None if vectors is None else vectors[rows])
        held_texts = [data.texts[i] for i in held_rows]
        fold_pred = model.predict(held_texts, None if vectors is None else vectors[held_rows])
        for i, labels in zip(held_rows, fold_pred, strict=True):
            predicted[i] = labels
        report = multilabel_report([data.labels[i] for i in held_rows], fold_pred)
        folds.append(
            {
                "micro_f1": report.micro_f1,
                "macro_f1": report.macro_f1,
                "fit_seconds": round(model.fit_seconds_, 2),
            }
        )
        n_train.append(len(train))
    extra = {
        "folds": args.cv,
        "n_train": round(float(np.mean(n_train))),
        "fold_scores": folds,
        "fold_micro_f1_mean": float(np.mean([f["micro_f1"] for f in folds])),
        "fold_macro_f1_mean": float(np.mean([f["macro_f1"] for f in folds])),
        "fold_macro_f1_sd": float(np.std([f["macro_f1"] for f in folds])),
        "fold_micro_f1_sd": float(np.std([f["micro_f1"] for f in folds])),
    }
    return predicted, extra


def _supervised(args, train, test):
    model = _suggester(args)
    model.fit(train.texts, train.labels)
    details = model.predict_detailed(test.texts)
    unseen = sorted(set(test.label_set) - set(model.labels_))
    extra = {
        "single_label": model.single_label_,
        "abstain_rate": round(sum(d.abstain for d in details) / len(details), 4),
        "fit_seconds": round(model.fit_seconds_, 2),
        "labels_not_in_training": unseen,
    }
    return [d.labels for d in details], extra


def _from_codebook(args, codebook, test):
    from nlp.coding import CodebookCoder

    use_similarity = not args.no_embeddings
    coder = CodebookCoder(
        codebook,
        embedder=embedder_from_args(args) if use_similarity else None,
        use_similarity=use_similarity,
    )
    predicted = coder.code(test.texts)
    extra = {
        "n_themes": len(coder.themes),
        "labels_not_in_codebook": sorted(set(test.label_set) - set(codebook.keys)),
    }
    return predicted, extra


def _print_text(result: dict) -> None:
    out = sys.stdout
    out.write(
        f"{result['mode']}: micro-F1 {result['micro_f1']:.3f}, macro-F1 {result['macro_f1']:.3f} "
        f"(train {result['n_train']}, test {result['n_test']}, {result['seconds']} s)\n"
    )
    out.write(f"{'label':45} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>5}\n")
    rows = sorted(result["per_label"].items(), key=lambda kv: -kv[1]["support"])
    for label, s in rows:
        out.write(
            f"{label[:45]:45} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['support']:5d}\n"
        )
