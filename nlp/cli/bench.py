"""``bench``: throughput and peak memory of the engine's main paths, as one JSON object.

Stages and their targets (full run; ``--quick`` shrinks every size for a smoke test):

- ``rules``: phrase-rule coding, words per second on one core;
- ``redact``: redaction with patterns only (no NER), words per second on one core; with rule
  coding the two must together clear 50,000 words/s per core;
- ``ner``: redaction with spaCy's NER as well (≥ 8,000 words/s per core);
- ``train``: supervised training on 5,000 segments whose embeddings are already cached (< 30 s);
- ``suggest``: suggesting for 10,000 new segments, embedding included (< 60 s);
- ``discover``: discovery on 20,000 segments, embedding included (< 3 min, peak memory < 2 GB).

Texts come from the ``--data`` files (CSVs with a text column; repeat the option to pool
several), distinct texts only, so no stage is flattered by repeated texts hitting the cache.
Training uses the files' own labels where rows have some. Where the files hold too few
distinct texts a stage is topped up with made-up ones from a fixed vocabulary and says how
many (``synthetic``); without ``--data`` every text is made up and labels are made-up topics.

Embedding is measured cold: every stage that embeds gets a fresh, empty cache directory. The
model is loaded once per process before any timed stage (a worker keeps it loaded), and that
load is reported on its own as ``model_load_seconds``. The training stage embeds its texts
first, untimed, as the cache would hold them, then times the fit alone. Texts suggested for are
never among the training texts.

Each stage reports wall-clock ``seconds`` and the process's ``cpu_seconds``; on a busy machine
the wall clock grows while CPU time does not, and the load averages at the start and end say
how busy the machine was. ``peak_memory_mb`` is the process's peak resident memory so far (so
the discovery figure also covers the stages before it).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time

import numpy as np

from nlp.cli import CliError
from nlp.cli.common import existing_file, print_json

STAGES = ("rules", "redact", "ner", "train", "suggest", "discover")
FULL_SIZES = {
    "rules": 20_000,
    "redact": 20_000,
    "ner": 5_000,
    "train": 5_000,
    "suggest": 10_000,
    "discover": 20_000,
}
QUICK_SIZES = {
    "rules": 2_000,
    "redact": 2_000,
    "ner": 300,
    "train": 500,
    "suggest": 300,
    "discover": 1_000,
}
TARGETS = {
    "rules_and_redaction_words_per_second_per_core": 50_000,
    "ner_words_per_second_per_core": 8_000,
    "train_seconds": 30,
    "suggest_seconds": 60,
    "discover_seconds": 180,
    "discover_peak_memory_mb": 2048,
}

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
    *("the", "a", "and", "was", "i", "my", "they", "very", "it"),
    *("to", "of", "in", "for", "with", "not", "but", "so", "really"),
]


def synthetic_texts(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """``n`` made-up segments of 8–30 words, each mostly about one topic, and those topics.

    Each ends with a number, so (up to 10,000 per topic) the texts are distinct.
    """
    rng = np.random.default_rng(seed)
    names = list(_TOPICS)
    texts, topics = [], []
    for _ in range(n):
        topic = names[rng.integers(len(names))]
        words = _TOPICS[topic].split()
        length = int(rng.integers(8, 31))
        picks = [
            words[rng.integers(len(words))]
            if rng.random() < 0.4
            else _FILLER[rng.integers(len(_FILLER))]
            for _ in range(length)
        ]
        texts.append(" ".join(picks) + f" {int(rng.integers(10_000))}")
        topics.append(topic)
    return texts, topics


def synthetic_embeddings(n: int, topics: list[str], dim: int = 384, seed: int = 0) -> np.ndarray:
    """Unit vectors clustered by topic, standing in for MiniLM embeddings in tests."""
    rng = np.random.default_rng(seed)
    centres = {t: rng.normal(size=dim) for t in sorted(set(topics))}
    x = np.stack([centres[t] for t in topics]) + rng.normal(scale=1.5, size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not on Linux
        return []


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "bench",
        help="measure throughput and peak memory",
        description="Measure the engine's speed on its main paths against the project's targets.",
    )
    p.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    p.add_argument(
        "--data",
        action="append",
        default=[],
        help="CSV whose text (and labels) column supplies real segments; repeat to pool files",
    )
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="labels")
    p.add_argument("--skip", action="append", default=[], choices=STAGES)
    p.add_argument("--json", action="store_true", help="print one JSON object (the default)")
    p.set_defaults(func=run)


class TextPool:
    """Distinct texts (with label sets, possibly empty) in a seeded order, handed out without
    reuse by :meth:`take`, then topped up with made-up texts."""

    def __init__(self, texts: list[str], labels: list[list[str]], seed: int = 0):
        order = np.random.default_rng(seed).permutation(len(texts))
        self.texts = [texts[i] for i in order]
        self.labels = [labels[i] for i in order]
        self._next = 0
        self._made = 0

    @classmethod
    def from_files(cls, paths, text_column: str = "text", label_column: str = "labels"):
        from nlp.data import read_segments

        seen: dict[str, list[str]] = {}
        for path in paths:
            data = read_segments(path, text_column=text_column, label_column=label_column)
            rows = data.labels or [[] for _ in data.texts]
            for text, labels in zip(data.texts, rows, strict=True):
                seen.setdefault(text, labels)
        return cls(list(seen), list(seen.values()))

    def take(self, n: int, *, labelled: bool = False) -> tuple[list[str], list[list[str]], int]:
        """``n`` texts never handed out before, their labels, and how many were made up."""
        texts, labels = [], []
        while self._next < len(self.texts) and len(texts) < n:
            i = self._next
            self._next += 1
            if labelled and not self.labels[i]:
                continue
            texts.append(self.texts[i])
            labels.append(self.labels[i])
        missing = n - len(texts)
        if missing:
            made, topics = synthetic_texts(missing, seed=1_000 + self._made)
            self._made += missing
            texts += made
            labels += [[t] for t in topics]
        return texts, labels, missing

    def rewind(self) -> None:
        """Hand texts out from the start again (for a stage that shares no cache)."""
        self._next = 0

    def sample(self, n: int, seed: int) -> list[str]:
        """``n`` texts for stages that cache nothing (repeats allowed), made up when empty."""
        if not self.texts:
            return synthetic_texts(n, seed)[0]
        picks = np.random.default_rng(seed).integers(len(self.texts), size=n)
        return [self.texts[i] for i in picks]


class _TimedEmbedder:
    """Wraps an embedder and adds up the time spent encoding."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0

    def encode(self, texts):
        started = time.perf_counter()
        try:
            return self.inner.encode(texts)
        finally:
            self.seconds += time.perf_counter() - started


def _clock():
    return time.perf_counter(), time.process_time()


def _since(clock) -> tuple[float, float]:
    wall, cpu = clock
    return time.perf_counter() - wall, time.process_time() - cpu


def run(args) -> int:
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    paths = [existing_file(p, "--data") for p in args.data]
    pool = TextPool.from_files(paths, args.text_column, args.label_column) if paths else None
    pool = pool or TextPool([], [])
    out: dict = {
        "quick": bool(args.quick),
        "sizes": {k: v for k, v in sizes.items() if k not in args.skip},
        "data": [str(p) for p in paths],
        "distinct_texts_available": len(pool.texts),
        "cpu_count": os.cpu_count(),
        "load_average_start": _load(),
        "targets": TARGETS,
    }
    if "rules" not in args.skip:
        out["rules"] = _bench_rules(pool.sample(sizes["rules"], 1))
    if "redact" not in args.skip:
        out["redact"] = _bench_redact(pool.sample(sizes["redact"], 2), use_ner=False)
    if "rules" in out and "redact" in out:
        words = out["rules"]["words"] + out["redact"]["words"]
        seconds = out["rules"]["seconds"] + out["redact"]["seconds"]
        # Both stages see texts of the same kind; their combined rate is words over total time.
        combined = round(words / seconds) if seconds else None
        out["rules_and_redaction_words_per_second_per_core"] = combined
    if "ner" not in args.skip:
        out["ner"] = _bench_redact(pool.sample(sizes["ner"], 3), use_ner=True)
    needs_model = {"train", "suggest", "discover"} - set(args.skip)
    if needs_model:
        from nlp.embeddings import limit_threads, load_model

        started = time.perf_counter()
        load_model()
        out["model_load_seconds"] = round(time.perf_counter() - started, 2)
        out["torch_threads"] = limit_threads()
    model = None
    if "train" not in args.skip or "suggest" not in args.skip:
        texts, labels, made = pool.take(sizes["train"], labelled=True)
        model, out["train"] = _bench_train(texts, labels)
        out["train"]["synthetic"] = made
    if "suggest" not in args.skip:
        texts, _labels, made = pool.take(sizes["suggest"])
        out["suggest"] = _bench_suggest(model, texts)
        out["suggest"]["synthetic"] = made
    if "discover" not in args.skip:
        # Discovery runs on its own, so it may reuse texts other stages saw (its cache is new).
        pool.rewind()
        texts, _labels, made = pool.take(sizes["discover"])
        out["discover"] = _bench_discover(texts)
        out["discover"]["synthetic"] = made
    out["peak_memory_mb"] = _peak_mb()
    out["load_average_end"] = _load()
    out["verdicts"] = verdicts(out)
    print_json(out)
    return 0


def verdicts(out: dict) -> dict[str, bool]:
    """Target met (True) or not (False) for each measured figure."""
    figures = {
        "rules_and_redaction_words_per_second_per_core": out.get(
            "rules_and_redaction_words_per_second_per_core"
        ),
        "ner_words_per_second_per_core": (out.get("ner") or {}).get("words_per_second_per_core"),
        "train_seconds": (out.get("train") or {}).get("seconds"),
        "suggest_seconds": (out.get("suggest") or {}).get("seconds"),
        "discover_seconds": (out.get("discover") or {}).get("seconds"),
        "discover_peak_memory_mb": (out.get("discover") or {}).get("peak_memory_mb"),
    }
    result = {}
    for name, value in figures.items():
        if value is None:
            continue
        target = TARGETS[name]
        result[name] = value >= target if "per_second" in name else value < target
    return result


def _words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def _bench_rules(texts: list[str]) -> dict:
    from nlp.codebook import Codebook, Theme
    from nlp.rules import PhraseRules

    themes = [Theme(key=k, label=k, key_phrases=tuple(v.split())) for k, v in _TOPICS.items()]
    rules = PhraseRules(Codebook(themes).themes)
    rules.match_many(texts[:50])  # spaCy's first call builds tables; that is not throughput
    words = _words(texts)
    clock = _clock()
    hits = rules.match_many(texts)
    seconds, cpu = _since(clock)
    return {
        "segments": len(texts),
        "words": words,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "words_per_second_per_core": round(words / seconds),
        "hits": sum(len(h) for h in hits),
    }


def _bench_redact(texts: list[str], *, use_ner: bool) -> dict:
    from nlp.text.redaction import redact_many

    try:
        redact_many(texts[:20], use_ner=use_ner)  # loads the NER model once, untimed
    except Exception as exc:  # the model may be missing; report rather than fail the bench
        return {"error": f"{type(exc).__name__}: {exc}"}
    words = _words(texts)
    clock = _clock()
    results = redact_many(texts, use_ner=use_ner)
    seconds, cpu = _since(clock)
    return {
        "segments": len(texts),
        "words": words,
        "ner": use_ner,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "words_per_second_per_core": round(words / seconds),
        "spans": sum(len(r.spans) for r in results),
    }


def _bench_train(texts: list[str], labels: list[list[str]]):
    from nlp.embeddings import Embedder
    from nlp.supervised import SupervisedSuggester

    with tempfile.TemporaryDirectory() as cache:
        clock = _clock()
        embeddings = Embedder(cache_dir=cache).encode(texts)  # what the cache would hold
        encode_seconds, _ = _since(clock)
    clock = _clock()
    model = SupervisedSuggester().fit(texts, labels, embeddings)
    seconds, cpu = _since(clock)
    return model, {
        "segments": len(texts),
        "labels": len(model.labels_),
        "single_label": model.single_label_,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "untimed_encode_seconds": round(encode_seconds, 2),
        "encode_segments_per_second": round(len(texts) / encode_seconds, 1),
        "target_seconds": TARGETS["train_seconds"],
        "peak_memory_mb": _peak_mb(),
    }


def _bench_suggest(model, texts: list[str]) -> dict:
    from nlp.embeddings import Embedder

    with tempfile.TemporaryDirectory() as cache:
        embedder = _TimedEmbedder(Embedder(cache_dir=cache))
        model._embedder = embedder
        clock = _clock()
        suggestions = model.suggest(texts)
        seconds, cpu = _since(clock)
    if len(suggestions) != len(texts):
        raise CliError("suggestion count does not match input")
    return {
        "segments": len(texts),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "embedding_seconds": round(embedder.seconds, 2),
        "segments_per_second": round(len(texts) / seconds, 1),
        "target_seconds": TARGETS["suggest_seconds"],
        "peak_memory_mb": _peak_mb(),
    }


def _bench_discover(texts: list[str]) -> dict:
    from nlp.discovery import discover
    from nlp.embeddings import Embedder

    with tempfile.TemporaryDirectory() as cache:
        clock = _clock()
        embeddings = Embedder(cache_dir=cache).encode(texts)
        embedding_seconds, _ = _since(clock)
        result = discover(texts, embeddings)
        seconds, cpu = _since(clock)
    return {
        "segments": len(texts),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "embedding_seconds": round(embedding_seconds, 2),
        "clustering_seconds": round(seconds - embedding_seconds, 2),
        "topics": len(result.themes),
        "target_seconds": TARGETS["discover_seconds"],
        "peak_memory_mb": _peak_mb(),
        "target_peak_memory_mb": TARGETS["discover_peak_memory_mb"],
    }


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run as: python -m nlp bench")
