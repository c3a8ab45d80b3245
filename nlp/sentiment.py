"""Sentiment per segment (negative / neutral / positive), learned from labelled segments.

NHS Friends and Family Test data scores sentiment 1–5 where 1 is the most positive: in the v6
dev file "Nothing, everything … 1st class. Really appreciate the service." is 1, "Everything was
fine." is 2, mixed comments ("I realise you have to wait. But I was anxious") are 3 and
complaints ("Booking office could be more helpful.") are 4–5. So 1–2 map to positive, 3 to
neutral and 4–5 to negative (:data:`FFT_SENTIMENT_MAP`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.supervised import SupervisedConfig

SENTIMENTS = ("negative", "neutral", "positive")
FFT_SENTIMENT_MAP = {
    "1": "positive",
    "2": "positive",
    "3": "neutral",
    "4": "negative",
    "5": "negative",
}
# Three ordered, unequal classes (neutral is rare) behave unlike exclusive themes: the theme
# suggester's strong single-label regularisation cost 0.02 macro-F1 here in cross-validation on
# the training part of the v6 file, so sentiment keeps the lighter setting.
SENTIMENT_CONFIG = SupervisedConfig(single_label_c=0.3)


def map_sentiment(value: object) -> str | None:
    """A sentiment word for a raw value: 1–5 FFT scores (``"2.0"`` too) or the words themselves."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in SENTIMENTS:
        return text
    try:
        number = float(text)
    except ValueError:
        return None
    if number.is_integer():
        return FFT_SENTIMENT_MAP.get(str(int(number)))
    return None


def sentiment_label_map(raw_values: Sequence[str]) -> dict[str, str]:
    """The mapping from each raw value seen to its sentiment (unmappable values left out)."""
    out = {}
    for value in raw_values:
        mapped = map_sentiment(value)
        if mapped is not None:
            out[value] = mapped
    return out


class SentimentClassifier:
    """Three-way sentiment on the supervised suggester's features (embeddings + TF-IDF)."""

    def __init__(self, *, embedder=None, use_embeddings: bool = True):
        from nlp.supervised import SupervisedSuggester

        self._model = SupervisedSuggester(
            SENTIMENT_CONFIG, embedder=embedder, use_embeddings=use_embeddings
        )

    def fit(
        self, texts: Sequence[str], sentiments: Sequence[str], embeddings: np.ndarray | None = None
    ) -> SentimentClassifier:
        """Train on texts and their sentiment (words, or 1–5 FFT scores)."""
        mapped = [map_sentiment(s) for s in sentiments]
        keep = [i for i, s in enumerate(mapped) if s is not None]
        if not keep:
            raise ValueError("no sentiment values (expected 1–5 or negative/neutral/positive)")
        emb = None if embeddings is None else np.asarray(embeddings)[keep]
        self._model.fit([texts[i] for i in keep], [[mapped[i]] for i in keep], emb)
        return self

    def predict(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> list[str]:
        """One sentiment word per text."""
        return [row[0] for row in self._model.predict(texts, embeddings)]

    def predict_proba(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> list[dict[str, float]]:
        """Calibrated probability of each sentiment per text."""
        probs = self._model.predict_proba(texts, embeddings)
        return [dict(zip(self._model.labels_, map(float, row), strict=True)) for row in probs]
