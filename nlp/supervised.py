"""Supervised theme suggestion: learn from coded segments, suggest themes for new ones.

One linear SVM per label over TF-IDF word and character n-grams plus MiniLM embeddings
(:mod:`nlp.features`). Out-of-fold scores on the training data give each label a sigmoid
calibration and a decision threshold (:mod:`nlp.calibration`), so nothing is tuned on the
data being predicted. Single-label training data (every row one label) predicts exactly the most
probable label; multi-label predicts every label over its threshold, and at least the best one
when every training row had a label. A prediction whose best probability is below
``confidence`` is flagged ``abstain`` so a person looks at it first.

The two kinds of data get different regularisation, chosen by nested cross-validation on the
training parts of the shared benchmark files (NHS FFT v6 for multi-label, SAD for single
label; never on held-out rows): multi-label themes overlap and are very unequal in size, and
a lightly regularised, unweighted SVM with per-theme thresholds did best there; single-label
classes are exclusive and the decision is an argmax across them, where stronger
regularisation and balanced class weights did best.
"""

from __future__ import annotations

import os
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


# Below this much work (stored values summed over the SVMs to fit; liblinear gets through about
# 30 million a second here) starting worker processes costs more than it saves.
_PARALLEL_FROM_NONZEROS = 60_000_000


def _solve_svms(problems, tasks, settings) -> list[tuple[np.ndarray, float]]:
    """Fit one linear SVM per ``(problem, label)`` task, in order; a worker process's job."""
    from sklearn.svm import LinearSVC

    c, class_weight, seed = settings
    out = []
    for p, j in tasks:
        x, y = problems[p]
        model = LinearSVC(C=c, class_weight=class_weight, random_state=seed)
        model.fit(x, y[:, j])
        out.append((model.coef_[0].astype(np.float32), float(model.intercept_[0])))
    return out


def _workers(n_jobs: int | None) -> int:
    if n_jobs is None:
        env = os.environ.get("EHL_NLP_THREADS")
        n_jobs = int(env) if env else min(os.cpu_count() or 1, 4)
    return max(1, n_jobs)


@dataclass(frozen=True)
class SupervisedConfig:
    """Knobs of the supervised suggester; the defaults suit 100 to 10,000 short segments.

    ``svm_c`` and ``class_weight`` apply to multi-label data, ``single_label_c`` and
    ``single_label_class_weight`` to single-label data (see the module docstring). ``n_jobs``
    processes fit the SVMs (default ``$EHL_NLP_THREADS``, else the CPU count, at most 4).

    Calibration and thresholds come from ``folds``-fold out-of-fold scores, or
    ``folds_from_2000``-fold from 2,000 training segments: three folds there cost 0.001–0.003
    F1 (within noise) in nested cross-validation and halve the training time.
    """

    svm_c: float = 0.3
    class_weight: str | None = None
    single_label_c: float = 0.05
    single_label_class_weight: str | None = "balanced"
    dense_weight: float = 1.0
    folds: int = 5
    folds_from_2000: int = 3
    min_positives_for_threshold: int = 5
    threshold_shrinkage: float = 30.0
    n_jobs: int | None = None
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
        disk), and it keeps calibration and thresholds consistent with all the data. Only a
        suggester fitted in this process can be updated: a saved one keeps no training data.
        """
        if self._weights is not None and not self._train_texts:
            raise ValueError(
                "This suggester was saved without its training data: fit it again on all of it."
            )
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

    def _regularisation(self) -> tuple[float, str | None]:
        if self.single_label_:
            return self.config.single_label_c, self.config.single_label_class_weight
        return self.config.svm_c, self.config.class_weight

    def _fit_linear(self, x, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One linear SVM per label of ``y`` on ``x``: weights and intercepts."""
        return self._fit_linear_many([(x, y)])[0]

    def _fit_linear_many(self, problems) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`_fit_linear` for several ``(x, y)`` problems at once.

        Every label of every problem is one SVM to fit. With enough work they are shared out
        among worker processes (``n_jobs``; joblib hands them the matrices through shared
        memory). Processes rather than threads because liblinear shuffles with one generator
        per process: fits sharing a process one after another each reseed it and stay exactly
        reproducible, fits running side by side in threads would not.
        """
        c, class_weight = self._regularisation()
        out, tasks = [], []
        for p, (x, y) in enumerate(problems):
            weights = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
            intercepts = np.full(y.shape[1], _NO_MODEL_SCORE, dtype=np.float32)
            out.append((weights, intercepts))
            for j in range(y.shape[1]):
                positives = int(y[:, j].sum())
                if positives == len(y):
                    intercepts[j] = -_NO_MODEL_SCORE
                elif positives:
                    tasks.append((p, j))
        settings = (c, class_weight, self.config.seed)
        work = sum(problems[p][0].nnz for p, _j in tasks)
        workers = min(_workers(self.config.n_jobs), len(tasks))
        if workers <= 1 or work < _PARALLEL_FROM_NONZEROS:
            chunks = [tasks]
            parts = [_solve_svms(problems, tasks, settings)]
        else:
            from joblib import Parallel, delayed

            # Interleaved chunks balance big and small problems across the workers.
            chunks = [tasks[i::workers] for i in range(workers)]
            parts = Parallel(n_jobs=workers, backend="loky")(
                delayed(_solve_svms)(problems, chunk, settings) for chunk in chunks
            )
        done = [
            (task, r)
            for chunk, part in zip(chunks, parts, strict=True)
            for task, r in zip(chunk, part, strict=True)
        ]
        for (p, j), (coef, intercept) in done:
            out[p][0][j] = coef
            out[p][1][j] = intercept
        return out

    def _folds(self, n: int, labels: list[list[str]]):
        from sklearn.model_selection import KFold, StratifiedKFold

        k = self.config.folds if n < 2000 else self.config.folds_from_2000
        k = min(k, n // 4)
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
        fitted = self._fit_linear_many([(x[train], y[train]) for train, _held in folds])
        for (_train, held), (w, b) in zip(folds, fitted, strict=True):
            oof[held] = x[held] @ w.T + b
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
        """Write the trained suggester without the texts, labels or embeddings it was trained
        on: people's words stay in the database, where erasure and retention reach them, and
        never in a model file. What is written is what predicting needs (weights, calibration,
        thresholds and the n-gram vocabulary)."""
        import copy

        import joblib

        self._check_fitted()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = copy.copy(self)
        kept._train_texts, kept._train_labels, kept._train_embeddings = [], [], None
        joblib.dump(kept, path, compress=3)
        return path

    @property
    def holds_training_data(self) -> bool:
        """Whether this object still carries its training texts (one saved before they were
        left out of model files does)."""
        return bool(self._train_texts) or self._train_embeddings is not None

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
