"""A simulated reviewer: measure a strategy for choosing what people code, the same way for all.

The pool's labels sit with an :class:`Oracle`, the stand-in for the person reviewing. The loop
asks the strategy for rows, has the oracle reveal only those rows' labels, trains the suggester
on everything revealed so far, scores the test set, and repeats until the budget of codes is
spent. Strategies see a :class:`~nlp.active.PoolState`, which holds revealed labels only, so a
strategy cannot peek at a label before it has chosen the row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from nlp.active import PoolState, Strategy, ThemeHint, with_priors
from nlp.metrics import multilabel_report


class Oracle:
    """Holds the pool's labels and gives out a row's labels only when asked for that row,
    recording every row it was asked about (in order) so tests can check the loop's honesty."""

    def __init__(self, labels: Sequence[Sequence[str]]):
        self._labels = [list(row) for row in labels]
        self.revealed: list[int] = []

    def __len__(self) -> int:
        return len(self._labels)

    def reveal(self, rows: Sequence[int]) -> list[list[str]]:
        self.revealed.extend(int(i) for i in rows)
        return [list(self._labels[int(i)]) for i in rows]


@dataclass
class StepResult:
    """Scores on the test set after training on ``n_coded`` revealed rows."""

    n_coded: int
    micro_f1: float
    macro_f1: float
    seconds: float
    labels_seen: dict[str, int] = field(default_factory=dict)
    trained: bool = True

    def as_dict(self) -> dict:
        return {
            "n_coded": self.n_coded,
            "micro_f1": round(self.micro_f1, 4),
            "macro_f1": round(self.macro_f1, 4),
            "seconds": round(self.seconds, 2),
            "trained": self.trained,
            "labels_seen": dict(sorted(self.labels_seen.items(), key=lambda kv: (-kv[1], kv[0]))),
        }


@dataclass
class Simulation:
    """Every step's scores, which pool rows were coded in order, and the last predictions."""

    steps: list[StepResult]
    coded: list[int]
    predictions: list[list[str]]


def simulate(
    pool_texts: Sequence[str],
    pool_vectors: np.ndarray,
    oracle: Oracle,
    test_texts: Sequence[str],
    test_vectors: np.ndarray,
    test_labels: Sequence[Sequence[str]],
    choose: Strategy,
    make_model: Callable[[], object],
    *,
    start: int = 50,
    budget: int = 1000,
    step: int = 50,
    seed: int = 0,
    themes: Sequence[ThemeHint] = (),
    priors: bool = False,
    on_step: Callable[[StepResult], None] | None = None,
) -> Simulation:
    """Run the loop (module docstring). ``make_model()`` returns an unfitted suggester with the
    ``SupervisedSuggester`` interface; ``themes`` are the codebook's hints, if any. Macro-F1 is
    averaged over every label of the test set, so a theme the model never learned counts 0.
    With ``priors`` the model also learns from the themes' descriptions (``with_priors``)."""
    if len(pool_texts) != len(oracle) or len(pool_vectors) != len(pool_texts):
        raise ValueError("pool texts, vectors and labels differ in length")
    budget = min(budget, len(pool_texts))
    rng = np.random.default_rng(seed)
    state = PoolState(texts=list(pool_texts), vectors=pool_vectors, themes=list(themes))
    test_label_set = sorted({x for row in test_labels for x in row})
    steps: list[StepResult] = []
    predictions: list[list[str]] = [[] for _ in test_texts]
    want = min(start, budget)
    while len(state.coded) < budget:
        started = time.perf_counter()
        picks = choose(state, want, rng)
        rows = _checked(picks, state, want)
        state.coded.extend(rows)
        state.coded_labels.extend(oracle.reveal(rows))
        model = _train(make_model, state, priors)
        if model is not None:
            _observe(state, model, pool_texts, pool_vectors)
            predictions = model.predict(list(test_texts), test_vectors)
        report = multilabel_report(test_labels, predictions, labels=test_label_set)
        result = StepResult(
            n_coded=len(state.coded),
            micro_f1=report.micro_f1,
            macro_f1=report.macro_f1,
            seconds=time.perf_counter() - started,
            labels_seen=state.label_counts_seen(),
            trained=model is not None,
        )
        steps.append(result)
        if on_step:
            on_step(result)
        want = min(step, budget - len(state.coded))
    return Simulation(steps=steps, coded=list(state.coded), predictions=predictions)


def _checked(picks, state: PoolState, want: int) -> list[int]:
    """The picked rows, refusing a strategy that repeats itself or picks a coded row."""
    rows = [int(p.index) for p in picks]
    if not rows:
        raise ValueError("the strategy picked nothing while the budget is not spent")
    if len(rows) > want or len(set(rows)) != len(rows) or set(rows) & set(state.coded):
        raise ValueError("the strategy picked too many rows, a row twice or a coded row")
    return rows


def _train(make_model, state: PoolState, priors: bool):
    """A model fitted on the revealed rows (and the codebook's words, with ``priors``), or
    None while there are fewer than two labels to learn."""
    texts = [state.texts[i] for i in state.coded]
    labels, vectors = state.coded_labels, state.vectors[state.coded]
    if priors:
        texts, labels, vectors = with_priors(texts, labels, vectors, state.themes)
    if len({x for row in labels for x in row}) < 2:
        return None
    model = make_model()
    model.fit(texts, labels, vectors)
    return model


def _observe(state: PoolState, model, pool_texts, pool_vectors) -> None:
    state.probabilities = model.predict_proba(list(pool_texts), pool_vectors)
    state.thresholds = np.asarray(model.thresholds_)
    state.model_labels = list(model.labels_)
    state.single_label = bool(model.single_label_)
