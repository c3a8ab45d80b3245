"""Turning out-of-fold classifier scores into probabilities and per-label thresholds."""

from __future__ import annotations

import numpy as np


def fit_platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of a sigmoid mapping scores to P(label), fitted on held-out scores.

    Falls back to a gentle fixed curve when one class is missing.
    """
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y).astype(int)
    if y.min() == y.max():
        return 2.0, 0.0
    model = LogisticRegression(C=100.0, solver="lbfgs", max_iter=500)
    model.fit(np.asarray(scores, dtype=float).reshape(-1, 1), y)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def apply_platt(scores: np.ndarray, slopes: np.ndarray, intercepts: np.ndarray) -> np.ndarray:
    """Probabilities from scores, one (slope, intercept) per column."""
    z = np.clip(scores * slopes + intercepts, -35, 35)
    return 1.0 / (1.0 + np.exp(-z))


def best_f1_threshold(probs: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The cut on ``probs`` that maximises F1 against binary ``y``, and that F1.

    Candidates are midpoints between consecutive distinct scores, so the search is exact.
    """
    y = np.asarray(y).astype(bool)
    if not y.any():
        return 0.5, 0.0
    order = np.argsort(-probs, kind="stable")
    p, t = probs[order], y[order]
    tp = np.cumsum(t)
    predicted = np.arange(1, len(p) + 1)
    f1 = 2 * tp / (predicted + t.sum())
    # Only cut where the score changes: ties must fall on the same side.
    last_of_run = np.r_[p[1:] != p[:-1], True]
    f1 = np.where(last_of_run, f1, -1)
    i = int(np.argmax(f1))
    cut = (p[i] + p[i + 1]) / 2 if i + 1 < len(p) else p[i] - 1e-6
    return float(cut), float(f1[i])


def shrunk_thresholds(
    probs: np.ndarray,
    y: np.ndarray,
    *,
    min_positives: int = 5,
    shrinkage: float = 10.0,
    bounds: tuple[float, float] = (0.05, 0.9),
) -> tuple[np.ndarray, float]:
    """Per-label thresholds from out-of-fold probabilities, and the shared (global) one.

    A label's own best-F1 cut is noisy when it has few positives, so it is pulled towards the
    global cut (best micro-F1 over all labels pooled) with weight ``shrinkage`` pseudo-positives;
    labels with fewer than ``min_positives`` take the global cut.
    """
    global_cut, _ = best_f1_threshold(probs.ravel(), y.ravel())
    global_cut = float(np.clip(global_cut, *bounds))
    out = np.full(probs.shape[1], global_cut)
    for j in range(probs.shape[1]):
        n = int(y[:, j].sum())
        if n < min_positives:
            continue
        own, _ = best_f1_threshold(probs[:, j], y[:, j])
        out[j] = (n * own + shrinkage * global_cut) / (n + shrinkage)
    return np.clip(out, *bounds), global_cut
