"""Scores for theme coding: multi-label precision/recall/F1, agreement between coders and
bootstrap confidence intervals. Pure Python and numpy so it is cheap to import."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from nlp.agreement import cohens_kappa, kappa_per_theme, krippendorff_alpha

__all__ = [
    "LabelScore",
    "MultiLabelReport",
    "bootstrap_ci",
    "cohens_kappa",
    "kappa_per_theme",
    "krippendorff_alpha",
    "multilabel_report",
]

LabelSets = Sequence[Sequence[str]]


@dataclass(frozen=True)
class LabelScore:
    """Precision, recall and F1 of one label, with its support (gold count)."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class MultiLabelReport:
    """Micro and macro averages plus per-label scores for a set of predictions."""

    micro_precision: float
    micro_recall: float
    micro_f1: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    per_label: dict[str, LabelScore]

    def as_dict(self) -> dict:
        """Plain dict for JSON output."""
        out = asdict(self)
        out["per_label"] = {k: asdict(v) for k, v in self.per_label.items()}
        return out


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    # Zero-division counts as 0, as scikit-learn does with zero_division=0.
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def multilabel_report(
    gold: LabelSets, predicted: LabelSets, labels: Sequence[str] | None = None
) -> MultiLabelReport:
    """Score predicted label sets against gold ones.

    Macro averages run over ``labels`` when given, otherwise over every label that occurs in
    the gold or predicted sets (so a label predicted but never right counts as F1 0).
    """
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} rows, predicted has {len(predicted)}")
    if labels is None:
        labels = sorted({x for row in gold for x in row} | {x for row in predicted for x in row})
    wanted = set(labels)
    tp = dict.fromkeys(labels, 0)
    fp = dict.fromkeys(labels, 0)
    fn = dict.fromkeys(labels, 0)
    for g_row, p_row in zip(gold, predicted, strict=True):
        g, p = set(g_row) & wanted, set(p_row) & wanted
        for label in g & p:
            tp[label] += 1
        for label in p - g:
            fp[label] += 1
        for label in g - p:
            fn[label] += 1
    per_label = {}
    for label in labels:
        precision, recall, f1 = _prf(tp[label], fp[label], fn[label])
        per_label[label] = LabelScore(precision, recall, f1, tp[label] + fn[label])
    micro = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    n = len(per_label) or 1
    return MultiLabelReport(
        micro_precision=micro[0],
        micro_recall=micro[1],
        micro_f1=micro[2],
        macro_precision=sum(s.precision for s in per_label.values()) / n,
        macro_recall=sum(s.recall for s in per_label.values()) / n,
        macro_f1=sum(s.f1 for s in per_label.values()) / n,
        per_label=per_label,
    )


def bootstrap_ci(
    metric: Callable[..., float],
    *columns: Sequence,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Point estimate and percentile bootstrap interval of ``metric(*columns)``.

    Rows are resampled together across the columns (e.g. gold and predicted label sets), with a
    seeded generator so the interval is reproducible.
    """
    if not columns:
        raise ValueError("give at least one column of data")
    n = len(columns[0])
    if n == 0 or any(len(c) != n for c in columns):
        raise ValueError("columns must be non-empty and of equal length")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    estimate = float(metric(*columns))
    rng = np.random.default_rng(seed)
    values = np.empty(n_resamples)
    for i in range(n_resamples):
        idx = rng.integers(0, n, size=n)
        values[i] = metric(*([c[j] for j in idx] for c in columns))
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return estimate, float(low), float(high)
