"""Supervised theme suggestion: learn from coded segments, suggest themes for new ones.

One linear SVM per label over TF-IDF word and character n-grams plus MiniLM embeddings
(:mod:`nlp.features`). Out-of-fold scores on the training data give each label a sigmoid
calibration and a decision threshold (:mod:`nlp.calibration`), so nothing is tuned on the
data being predicted. Single-label training data (every row one label) predicts exactly the most
probable label; multi-label predicts every label over its threshold, and at least the best one
when every training row had a label. A prediction whose best probability is below
``confidence`` is flagged ``abstain`` so a person looks at it first.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nlp.calibration import apply_platt, fit_platt, shrunk_thresholds
from nlp.features import FeatureSpace
from nlp.types import Suggestion

# A fold's model with no positive example for a label scores every text this low.
_NO_MODEL_SCORE = -2.0


@dataclass(frozen=True)
class SupervisedConfig:
    """Knobs of the supervised suggester; the defaults suit 100 to 10,000 short segments."""

    svm_c: float = 0.3
    class_weight: str | None = "balanced"
    dense_weight: float = 1.0
    folds: int = 5
    min_positives_for_threshold: int = 5
    threshold_shrinkage: float = 10.0
    confidence: float = 0.4
    seed: int = 0


@dataclass
class Prediction:
    """Labels decided for one segment, the probabilities behind them, and an abstain flag."""

    labels: list[str]
    probabilities: dict[str, float] = field(default_factory=dict)
    abstain: bool = False


class SupervisedSuggester:
    """Multi-label (or single-label) theme classifier with calibrated probabilities.

    ``embedder`` encodes texts when embeddings are not passed in (default: cached MiniLM);
    ``use_embeddings=False`` trains on n-grams alone, which needs no model at all.
    """

    def __init__(
        self,
        config: SupervisedConfig | None = None,
        *,
        embedder=None,
        use_embeddings: bool = True,
    ):
        self.config = config or SupervisedConfig()
        self.use_embeddings = use_embeddings
        self._embedder = embedder
        self.labels_: list[str] = []
        self.single_label_ = False
        self.force_one_ = True
        self.fit_seconds_ = 0.0
        self._features: FeatureSpace | None = None
        self._weights = None
        self._intercepts = None
        self._slopes = None
        self._offsets = None
        self.thresholds_: np.ndarray | None = None
        self._train_texts: list[str] = []
        self._train_labels: list[list[str]] = []
        self._train_embeddings: np.ndarray | None = None

    # -- embeddings ---------------------------------------------------------------------------
    @property
    def embedder(self):
        if self._embedder is None:
            from nlp.embeddings import Embedder

            self._embedder = Embedder()
        return self._embedder

    def _embed(self, texts: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray | None:
        if not self.use_embeddings:
            return None
        if embeddings is None:
            embeddings = self.embedder.encode(list(texts))
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if len(embeddings) != len(texts):
            raise ValueError("embeddings and texts differ in length")
        return embeddings

    # -- training -----------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[Sequence[str]],
        embeddings: np.ndarray | None = None,
    ) -> SupervisedSuggester:
        """Learn from coded segments; ``labels[i]`` is the list of labels of ``texts[i]``."""
        started = time.perf_counter()
        texts = [str(t) for t in texts]
        labels = [list(dict.fromkeys(row)) for row in labels]
        if len(texts) != len(labels):
            raise ValueError("texts and labels differ in length")
        if not texts:
            raise ValueError("no training data")
        self.labels_ = sorted({x for row in labels for x in row})
        if len(self.labels_) < 2:
            raise ValueError("training data needs at least two different labels")
        emb = self._embed(texts, embeddings)
        self._train_texts, self._train_labels, self._train_embeddings = texts, labels, emb
        self.single_label_ = all(len(row) == 1 for row in labels)
        self.force_one_ = all(len(row) >= 1 for row in labels)
        y = self._binarise(labels)

        self._features = FeatureSpace(self.config.dense_weight).fit(texts)
        x = self._features.transform(texts, emb)
        oof = self._out_of_fold_scores(x, y, labels)
        self._calibrate(oof, y)
        self._weights, self._intercepts = self._fit_linear(x, y)
        self.fit_seconds_ = time.perf_counter() - started
        return self

    def update(
        self,
        texts: Sequence[str],
        labels: Sequence[Sequence[str]],
        embeddings: np.ndarray | None = None,
    ) -> SupervisedSuggester:
        """Add newly coded segments and retrain on everything seen so far.

        A full refit is cheap because embeddings of earlier segments are kept (and cached on
        disk), and it keeps calibration and thresholds consistent with all the data.
        """
        new_emb = self._embed(list(texts), embeddings)
        all_texts = self._train_texts + [str(t) for t in texts]
        all_labels = self._train_labels + [list(row) for row in labels]
        all_emb = None
        if new_emb is not None:
            old = self._train_embeddings
            all_emb = new_emb if old is None or not len(old) else np.vstack([old, new_emb])
        return self.fit(all_texts, all_labels, all_emb)

    def _binarise(self, labels: Sequence[Sequence[str]]) -> np.ndarray:
        index = {label: j for j, label in enumerate(self.labels_)}
        y = np.zeros((len(labels), len(self.labels_)), dtype=np.int8)
        for i, row in enumerate(labels):
            for label in row:
                if label in index:
                    y[i, index[label]] = 1
        return y

    def _fit_linear(self, x, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.svm import LinearSVC

        weights = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
        intercepts = np.full(y.shape[1], _NO_MODEL_SCORE, dtype=np.float32)
        for j in range(y.shape[1]):
            positives = int(y[:, j].sum())
            if positives == 0:
                continue
            if positives == len(y):
                intercepts[j] = -_NO_MODEL_SCORE
                continue
            model = LinearSVC(
                C=self.config.svm_c,
                class_weight=self.config.class_weight,
                random_state=self.config.seed,
            )
            model.fit(x, y[:, j])
            weights[j] = model.coef_[0]
            intercepts[j] = model.intercept_[0]
        return weights, intercepts

    def _folds(self, n: int, labels: list[list[str]]):
        from sklearn.model_selection import KFold, StratifiedKFold

        k = min(self.config.folds, n // 4)
        if k < 2:
            return []
        if self.single_label_:
            first = [row[0] for row in labels]
            _, counts = np.unique(first, return_counts=True)
            if counts.min() >= k:
                splitter = StratifiedKFold(k, shuffle=True, random_state=self.config.seed)
                return list(splitter.split(np.zeros(n), first))
        return list(KFold(k, shuffle=True, random_state=self.config.seed).split(np.zeros(n)))

    def _out_of_fold_scores(self, x, y: np.ndarray, labels: list[list[str]]) -> np.ndarray | None:
        folds = self._folds(len(y), labels)
        if not folds:
            return None
        oof = np.zeros(y.shape, dtype=np.float32)
        for train_idx, held_idx in folds:
            w, b = self._fit_linear(x[train_idx], y[train_idx])
            oof[held_idx] = x[held_idx] @ w.T + b
        return oof

    def _calibrate(self, oof: np.ndarray | None, y: np.ndarray) -> None:
        n_labels = y.shape[1]
        if oof is None:
            # Too few examples to hold any out: a fixed curve with score 0 at p = 0.5.
            self._slopes = np.full(n_labels, 2.0)
            self._offsets = np.zeros(n_labels)
            self.thresholds_ = np.full(n_labels, 0.5)
            return
        pooled = fit_platt(oof.ravel(), y.ravel())
        self._slopes = np.full(n_labels, pooled[0])
        self._offsets = np.full(n_labels, pooled[1])
        for j in range(n_labels):
            if y[:, j].sum() >= 3:
                self._slopes[j], self._offsets[j] = fit_platt(oof[:, j], y[:, j])
        probs = apply_platt(oof, self._slopes, self._offsets)
        self.thresholds_, _ = shrunk_thresholds(
            probs,
            y,
            min_positives=self.config.min_positives_for_threshold,
            shrinkage=self.config.threshold_shrinkage,
        )

    # -- prediction ---------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if self._weights is None:
            raise RuntimeError("the suggester has not been trained (call fit first)")

    def decision_function(self, texts: Sequence[str], embeddings: np.ndarray | None = None):
        """Raw linear scores, one column per label (``labels_``)."""
        self._check_fitted()
        texts = [str(t) for t in texts]
        x = self._features.transform(texts, self._embed(texts, embeddings))
        return np.asarray(x @ self._weights.T) + self._intercepts

    def predict_proba(self, texts: Sequence[str], embeddings: np.ndarray | None = None):
        """Calibrated probability of each label (columns in ``labels_`` order)."""
        return apply_platt(self.decision_function(texts, embeddings), self._slopes, self._offsets)

    def predict_detailed(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> list[Prediction]:
        """Decided labels with probabilities and abstain flags."""
        probs = self.predict_proba(texts, embeddings)
        return [self._decide(row) for row in probs]

    def predict(self, texts: Sequence[str], embeddings: np.ndarray | None = None):
        """Decided label lists, one per text."""
        return [p.labels for p in self.predict_detailed(texts, embeddings)]

    def _decide(self, row: np.ndarray) -> Prediction:
        best = int(np.argmax(row))
        if self.single_label_:
            chosen = [best]
        else:
            chosen = [int(j) for j in np.flatnonzero(row >= self.thresholds_)]
            chosen.sort(key=lambda j: -row[j])
            if not chosen and self.force_one_:
                chosen = [best]
        return Prediction(
            labels=[self.labels_[j] for j in chosen],
            probabilities={self.labels_[j]: float(row[j]) for j in chosen},
            abstain=bool(row[best] < self.config.confidence),
        )

    def suggest(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None, top_k: int = 3
    ) -> list[list[Suggestion]]:
        """Up to ``top_k`` suggestions per text, best first: decided labels, then runners-up.

        Every suggestion of a text whose best probability is under ``confidence`` carries
        ``abstain=True``.
        """
        probs = self.predict_proba(texts, embeddings)
        out = []
        for row in probs:
            decision = self._decide(row)
            order = [self.labels_.index(x) for x in decision.labels]
            order += [int(j) for j in np.argsort(-row) if int(j) not in order]
            suggestions = []
            for j in order[: max(top_k, len(decision.labels))]:
                decided = self.labels_[j] in decision.labels
                note = "over" if decided else "under"
                suggestions.append(
                    Suggestion(
                        self.labels_[j],
                        float(row[j]),
                        "model",
                        f"p={row[j]:.2f}, {note} threshold {self.thresholds_[j]:.2f}",
                        abstain=decision.abstain,
                    )
                )
            out.append(suggestions)
        return out

    # -- persistence --------------------------------------------------------------------------
    def __getstate__(self):
        state = self.__dict__.copy()
        state["_embedder"] = None  # the model reloads from its package; never pickle it
        return state

    def save(self, path: str | Path) -> Path:
        """Write the trained suggester (training data included, for :meth:`update`)."""
        import joblib

        self._check_fitted()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, path, compress=3)
        return path

    @classmethod
    def load(cls, path: str | Path, *, embedder=None) -> SupervisedSuggester:
        """Read a suggester written by :meth:`save`. Only load files you wrote yourself:
        joblib files can run code when loaded."""
        import joblib

        model = joblib.load(Path(path))
        if not isinstance(model, cls):
            raise TypeError(f"{path} does not hold a {cls.__name__}")
        model._embedder = embedder
        return model
