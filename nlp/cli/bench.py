"""``bench``: throughput and peak memory of the engine's main paths, as one JSON object.

Stages and their targets (full run; ``--quick`` shrinks every size for a smoke test):

- rule coding: words per second on one core;
- supervised training on 5,000 segments with cached embeddings (< 30 s);
- suggesting for 10,000 new segments, embedding included (< 60 s);
- discovery on 20,000 segments with cached embeddings (< 3 min, peak memory < 2 GB).

Texts come from ``--data`` (a CSV with a text column) when given, otherwise they are made up
from a fixed vocabulary with a seeded generator. Training and discovery use synthetic
embeddings (clustered random unit vectors), which cost the same to process as real ones and
stand in for a warm cache; the suggestion stage encodes its texts with MiniLM for real, through
a fresh temporary cache so nothing is reused.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time

import numpy as np

from nlp.cli import CliError
from nlp.cli.common import existing_file, print_json

_TOPICS = {
    "waiting": "wait waiting hours queue delay appointment late slow phone",
    "staff": "staff nurse doctor kind friendly rude helpful caring polite",
    "transport": "taxi ambulance driver transport car journey parking bus",
    "food": "food meal drink tea breakfast lunch dinner menu",
    "information": "information explained told letter leaflet advice answer",
    "money": "money rent bills benefits debt wages afford cost",
    "health": "pain anxiety depression back tired sleep illness",
    "work": "work job boss shift hours contract manager deadline",
}
_FILLER = [
    "the",
    "a",
    "and",
    "was",
    "i",
    "my",
    "they",
    "very",
    "it",
    "to",
    "of",
    "in",
    "for",
    "with",
    "not",
    "but",
    "so",
    "really",
]


def synthetic_texts(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """``n`` made-up segments of 8–30 words, each mostly about one topic, and those topics."""
    rng = np.random.default_rng(seed)
    names = list(_TOPICS)
    texts, topics = [], []
    for _ in range(n):
        topic = names[rng.integers(len(names))]
        words = _TOPICS[topic].split()
        length = int(rng.integers(8, 31))
        picks = [
            words[rng.integers(len(words))] if rng.random() < 0.4 else _FILLER[rng.integers(18)]
            for _ in range(length)
        ]
        texts.append(" ".join(picks) + f" {int(rng.integers(10_000))}")
        topics.append(topic)
    return texts, topics


def synthetic_embeddings(n: int, topics: list[str], dim: int = 384, seed: int = 0) -> np.ndarray:
    """Unit vectors clustered by topic, standing in for cached MiniLM embeddings."""
    rng = np.random.default_rng(seed)
    centres = {t: rng.normal(size=dim) for t in sorted(set(topics))}
    x = np.stack([centres[t] for t in topics]) + rng.normal(scale=1.5, size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def register(subparsers) -> None:
    p = subparsers.add_parser("bench", help="measure throughput and peak memory")
    p.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    p.add_argument("--data", help="CSV whose text column supplies real segments")
    p.add_argument("--text-column", default="text")
    p.add_argument(
        "--skip", action="append", default=[], choices=["rules", "train", "suggest", "discover"]
    )
    p.add_argument("--json", action="store_true", help="print one JSON object (the default)")
    p.set_defaults(func=run)


def _texts(args, n: int, seed: int) -> tuple[list[str], list[str]]:
    made, topics = synthetic_texts(n, seed)
    if not args.data:
        return made, topics
    from nlp.data import read_segments

    real = read_segments(existing_file(args.data, "--data"), text_column=args.text_column).texts
    rng = np.random.default_rng(seed)
    picks = rng.integers(len(real), size=n)
    return [real[i] for i in picks], topics


def run(args) -> int:
    sizes = (
        {"rules": 2_000, "train": 500, "suggest": 300, "discover": 1_000}
        if args.quick
        else {"rules": 20_000, "train": 5_000, "suggest": 10_000, "discover": 20_000}
    )
    out: dict = {"quick": bool(args.quick), "sizes": sizes}
    if "rules" not in args.skip:
        out["rules"] = _bench_rules(*_texts(args, sizes["rules"], 1))
    model = None
    if "train" not in args.skip or "suggest" not in args.skip:
        model, out["train"] = _bench_train(*_texts(args, sizes["train"], 2))
    if "suggest" not in args.skip:
        out["suggest"] = _bench_suggest(model, _texts(args, sizes["suggest"], 3)[0])
    if "discover" not in args.skip:
        out["discover"] = _bench_discover(*_texts(args, sizes["discover"], 4))
    out["peak_memory_mb"] = _peak_mb()
    print_json(out)
    return 0


def _bench_rules(texts: list[str], _topics) -> dict:
    from nlp.codebook import Codebook, Theme
    from nlp.rules import PhraseRules

    themes = [Theme(key=k, label=k, key_phrases=tuple(v.split())) for k, v in _TOPICS.items()]
    rules = PhraseRules(Codebook(themes).themes)
    words = sum(len(t.split()) for t in texts)
    started = time.perf_counter()
    hits = rules.match_many(texts)
    seconds = time.perf_counter() - started
    return {
        "segments": len(texts),
        "words": words,
        "seconds": round(seconds, 3),
        "words_per_second_per_core": round(words / seconds),
        "hits": sum(len(h) for h in hits),
    }


def _bench_train(texts: list[str], topics: list[str]):
    from nlp.supervised import SupervisedSuggester

    embeddings = synthetic_embeddings(len(texts), topics)
    started = time.perf_counter()
    model = SupervisedSuggester().fit(texts, [[t] for t in topics], embeddings)
    seconds = time.perf_counter() - started
    return model, {
        "segments": len(texts),
        "seconds": round(seconds, 2),
        "target_seconds": 30,
        "peak_memory_mb": _peak_mb(),
    }


def _bench_suggest(model, texts: list[str]) -> dict:
    from nlp.embeddings import Embedder, load_model

    load_model()  # loading the model once per process is not per-batch work
    with tempfile.TemporaryDirectory() as cache:
        model._embedder = Embedder(cache_dir=cache)
        started = time.perf_counter()
        suggestions = model.suggest(texts)
        seconds = time.perf_counter() - started
    if len(suggestions) != len(texts):
        raise CliError("suggestion count does not match input")
    return {
        "segments": len(texts),
        "seconds": round(seconds, 2),
        "segments_per_second": round(len(texts) / seconds, 1),
        "target_seconds": 60,
        "peak_memory_mb": _peak_mb(),
    }


def _bench_discover(texts: list[str], topics: list[str]) -> dict:
    from nlp.discovery import discover

    embeddings = synthetic_embeddings(len(texts), topics, seed=5)
    started = time.perf_counter()
    result = discover(texts, embeddings)
    seconds = time.perf_counter() - started
    return {
        "segments": len(texts),
        "seconds": round(seconds, 2),
        "topics": len(result.themes),
        "target_seconds": 180,
        "peak_memory_mb": _peak_mb(),
        "target_peak_memory_mb": 2048,
    }


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run as: python -m nlp bench")
