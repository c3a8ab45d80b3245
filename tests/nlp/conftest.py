"""Fixtures for the NLP engine's tests: a fake embedder, tiny data and the shared benchmark data."""

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SKIP_MESSAGE = (
    "../shared/benchmark-data is not present "
    "(it is only in CI and on developer machines that have it)"
)


class FakeEmbedder:
    """Deterministic bag-of-words vectors: texts sharing words are close. No model needed."""

    name = "fake"

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.calls = 0

    def encode(self, texts):
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                h = int(hashlib.sha256(word.strip(".,!?").encode()).hexdigest(), 16)
                out[i, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


@pytest.fixture
def fake_embedder():
    return FakeEmbedder()


@pytest.fixture
def benchmark_data() -> Path:
    env = os.environ.get("EHL_BENCHMARK_DATA")
    path = Path(env) if env else REPO_ROOT / ".." / "shared" / "benchmark-data"
    if not path.is_dir():
        pytest.skip(SKIP_MESSAGE)
    return path.resolve()


TOPIC_WORDS = {
    "waiting": ["wait", "waiting", "hours", "queue", "delay", "late"],
    "staff": ["nurse", "kind", "friendly", "rude", "helpful", "caring"],
    "food": ["food", "meal", "tea", "breakfast", "lunch", "menu"],
    "transport": ["taxi", "driver", "ambulance", "journey", "bus", "car"],
}


def make_corpus(n_per_label: int = 30, seed: int = 0, multi: bool = False):
    """Short segments, each mostly about one topic; with ``multi`` some mix two."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    names = sorted(TOPIC_WORDS)
    filler = ["the", "was", "very", "and", "it", "i", "my", "so"]
    for label in names:
        for _ in range(n_per_label):
            row = [label]
            words = list(rng.choice(TOPIC_WORDS[label], size=3)) + list(rng.choice(filler, size=3))
            if multi and rng.random() < 0.3:
                other = names[(names.index(label) + 1) % len(names)]
                row.append(other)
                words += list(rng.choice(TOPIC_WORDS[other], size=3))
            rng.shuffle(words)
            texts.append(" ".join(words))
            labels.append(row)
    return texts, labels


@pytest.fixture
def corpus():
    return make_corpus()


@pytest.fixture
def multi_corpus():
    return make_corpus(multi=True, seed=1)
