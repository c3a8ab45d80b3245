"""Deductive coding: suggest codebook themes for segments from key phrases (rules) and from
similarity to each theme's definition and examples.

Nothing heavy loads at import; the embedder and spaCy load on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nlp.codebook import Codebook, Theme
from nlp.types import Suggestion


@dataclass(frozen=True)
class CodingPolicy:
    """How similarity scores become decisions.

    Coders rarely give a short comment more than two themes, and a second theme is only worth
    suggesting when it is nearly as close as the first. So: always keep the best theme (every
    segment we are asked to code gets at least one suggestion), add up to ``top_k - 1`` more
    that score within ``margin`` of it, and never keep one below ``min_score``.

    ``centre`` subtracts each theme's mean similarity over the batch being coded before ranking:
    some definitions are close to almost everything (a "general comments" code, say) and would
    otherwise win by default. It uses the texts only, never labels, and applies from
    ``centre_min_batch`` texts up, below which a mean is too noisy.
    """

    top_k: int = 2
    margin: float = 0.03
    min_score: float = 0.15
    centre: bool = True
    centre_min_batch: int = 50
    rule_bonus: float = 0.05


class CodebookCoder:
    """Suggest themes from a codebook for new segments, without any labelled training data.

    ``embedder`` is anything with ``encode(texts) -> np.ndarray`` of normalised vectors
    (:class:`nlp.embeddings.Embedder` by default); pass ``use_similarity=False`` to code with
    rules alone and skip the model.
    """

    def __init__(
        self,
        codebook: Codebook,
        *,
        embedder=None,
        use_rules: bool = True,
        use_similarity: bool = True,
        policy: CodingPolicy | None = None,
        leaves_only: bool = True,
    ):
        self.codebook = codebook
        self.themes: list[Theme] = codebook.leaves() if leaves_only else list(codebook.themes)
        self.policy = policy or CodingPolicy()
        self.use_rules = use_rules
        self.use_similarity = use_similarity
        self._embedder = embedder
        self._rules = None
        self._theme_vectors: np.ndarray | None = None
        self._theme_owner: list[int] = []
        self._theme_texts: list[str] = []

    @property
    def embedder(self):
        if self._embedder is None:
            from nlp.embeddings import Embedder

            self._embedder = Embedder()
        return self._embedder

    @property
    def rules(self):
        if self._rules is None:
            from nlp.rules import PhraseRules

            self._rules = PhraseRules(self.themes)
        return self._rules

    def _prepare_vectors(self) -> None:
        if self._theme_vectors is not None:
            return
        texts, owners = [], []
        for i, theme in enumerate(self.themes):
            for text in (theme.description(), *theme.examples):
                texts.append(text)
                owners.append(i)
        self._theme_texts, self._theme_owner = texts, owners
        self._theme_vectors = self.embedder.encode(texts)

    def similarities(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per segment and theme: the best cosine and the index of the theme text that gave it."""
        self._prepare_vectors()
        vectors = self.embedder.encode(texts) if embeddings is None else embeddings
        cos = vectors @ self._theme_vectors.T
        n_themes = len(self.themes)
        best = np.full((len(vectors), n_themes), -1.0, dtype=np.float32)
        nearest = np.zeros((len(vectors), n_themes), dtype=np.int64)
        owners = np.asarray(self._theme_owner)
        for t in range(n_themes):
            cols = np.flatnonzero(owners == t)
            pick = cos[:, cols].argmax(axis=1)
            best[:, t] = cos[np.arange(len(vectors)), cols[pick]]
            nearest[:, t] = cols[pick]
        return best, nearest

    def suggest(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> list[list[Suggestion]]:
        """Suggestions per segment, best first: every rule hit and the most similar themes.

        Each suggestion carries the matched phrase or the nearest definition/example as reason.
        """
        texts = list(texts)
        ranked: list[list[Suggestion]] = [[] for _ in texts]
        rule_hits = self.rules.suggest_many(texts) if self.use_rules else [[] for _ in texts]
        if self.use_similarity and texts:
            raw, nearest = self.similarities(texts, embeddings)
            scores = self._decision_scores(raw)
            for i in range(len(texts)):
                order = np.argsort(-scores[i])
                for t in order[: max(self.policy.top_k, 5)]:
                    text = self._theme_texts[nearest[i, t]]
                    ranked[i].append(
                        Suggestion(
                            self.themes[t].key,
                            float(raw[i, t]),
                            "similarity",
                            f"nearest: {_clip(text)} (cosine {raw[i, t]:.2f})",
                        )
                    )
        for i, hits in enumerate(rule_hits):
            ranked[i] = hits + [
                s for s in ranked[i] if s.theme_key not in {h.theme_key for h in hits}
            ]
        return ranked

    def _decision_scores(self, raw: np.ndarray) -> np.ndarray:
        if self.policy.centre and len(raw) >= self.policy.centre_min_batch:
            return raw - raw.mean(axis=0, keepdims=True)
        return raw

    def code(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> list[list[str]]:
        """Decided theme keys per segment, by the coding policy (see :class:`CodingPolicy`)."""
        texts = list(texts)
        p = self.policy
        rule_hits = self.rules.suggest_many(texts) if self.use_rules else [[] for _ in texts]
        if not (self.use_similarity and texts):
            return [[s.theme_key for s in hits] for hits in rule_hits]
        raw, _ = self.similarities(texts, embeddings)
        scores = self._decision_scores(raw)
        index = {t.key: j for j, t in enumerate(self.themes)}
        out = []
        for i in range(len(texts)):
            row = scores[i].copy()
            for hit in rule_hits[i]:
                row[index[hit.theme_key]] += p.rule_bonus
            order = np.argsort(-row)
            top = row[order[0]]
            chosen = [order[0]]
            for t in order[1 : p.top_k]:
                if row[t] >= top - p.margin and raw[i, t] >= p.min_score:
                    chosen.append(t)
            out.append([self.themes[t].key for t in chosen])
        return out


def _clip(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
