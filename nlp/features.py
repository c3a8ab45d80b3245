"""Feature space for the supervised suggester: word and character TF-IDF plus sentence
embeddings, concatenated into one sparse matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class FeatureSpace:
    """Word (1–2) and char_wb (2–5) TF-IDF n-grams, with the dense embedding appended.

    TF-IDF rows are L2-normalised, as are the embeddings, so each block has unit norm and
    ``dense_weight`` sets how much the embedding counts relative to each n-gram block.
    Rare n-grams (in one text only) are dropped once there are enough texts for that to be
    safe; with a hundred examples every n-gram is kept.
    """

    def __init__(self, dense_weight: float = 1.0, max_char_features: int = 150_000):
        self.dense_weight = dense_weight
        self.max_char_features = max_char_features
        self._word = None
        self._char = None

    def fit(self, texts: Sequence[str]) -> FeatureSpace:
        from sklearn.feature_extraction.text import TfidfVectorizer

        min_df = 2 if len(texts) >= 500 else 1
        self._word = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, min_df=min_df, strip_accents="unicode"
        )
        self._char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            sublinear_tf=True,
            min_df=min_df,
            max_features=self.max_char_features,
            strip_accents="unicode",
        )
        self._word.fit(texts)
        self._char.fit(texts)
        return self

    def transform(self, texts: Sequence[str], embeddings: np.ndarray | None):
        from scipy import sparse

        if self._word is None:
            raise RuntimeError("FeatureSpace.fit has not been called")
        blocks = [self._word.transform(texts), self._char.transform(texts)]
        if embeddings is not None and self.dense_weight > 0:
            blocks.append(sparse.csr_matrix(np.asarray(embeddings) * self.dense_weight))
        return sparse.hstack(blocks, format="csr")
