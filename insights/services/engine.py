"""The bridge between the database and the `nlp` engine: which embedder to use, and the
codebook as the engine sees it. Everything the workbench asks of `nlp` goes through here, so
the engine itself never learns about Django."""

from __future__ import annotations

import hashlib
from functools import cache

import numpy as np
from django.conf import settings

from ..models import Theme

HASHING_DIMENSION = 256


class HashingEmbedder:
    """Bag-of-words vectors from hashed word stems: texts that share words are close.

    No model and no download; used by the test settings and on machines too small for MiniLM.
    It is a stand-in, not a substitute: similarity coding and discovery are much weaker with it.
    """

    name = "hashing"

    def encode(self, texts) -> np.ndarray:
        out = np.zeros((len(texts), HASHING_DIMENSION), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in str(text).lower().split():
                stem = word.strip(".,;:!?\"'()[]")[:6]
                if len(stem) > 2:
                    digest = hashlib.blake2b(stem.encode(), digest_size=4).digest()
                    out[row, int.from_bytes(digest, "little") % HASHING_DIMENSION] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


@cache
def embedder():
    """The configured sentence embedder, created once per process (the worker keeps it warm)."""
    if settings.EHL_EMBEDDER == "hashing":
        return HashingEmbedder()
    from nlp.embeddings import Embedder

    return Embedder(cache_dir=settings.EHL_EMBEDDING_CACHE_DIR)


def engine_codebook(statuses=(Theme.Status.APPROVED,)):
    """The codebook as `nlp.codebook.Codebook`: approved themes (by default), parents first."""
    from nlp.codebook import Codebook
    from nlp.codebook import Theme as EngineTheme

    themes = list(
        Theme.objects.filter(status__in=statuses)
        .select_related("parent")
        .order_by("parent_id", "sort_order", "label")
    )
    keys = {theme.key for theme in themes}
    ordered = [t for t in themes if t.parent_id is None] + [t for t in themes if t.parent_id]
    return Codebook(
        themes=[
            EngineTheme(
                key=theme.key,
                label=theme.label,
                definition=theme.definition,
                include=theme.include_notes,
                exclude=theme.exclude_notes,
                key_phrases=tuple(theme.key_phrases or ()),
                examples=tuple(theme.examples or ()),
                parent=theme.parent.key if theme.parent_id and theme.parent.key in keys else None,
                kind=theme.kind,
            )
            for theme in ordered
        ]
    )
