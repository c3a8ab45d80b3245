"""Scoring redaction against hand-marked text, per kind of personal data.

Test sentences are written with their personal data marked inline, ``Ring me on
{{PHONE|07700 900123}}``, and ``parse_annotated`` turns that into the plain sentence plus gold
spans. ``score`` then counts, per kind, predicted spans that hit a gold span of the same kind
(true positives), predictions that hit nothing of that kind (false positives) and gold spans
that nothing found (false negatives).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_MARK = re.compile(r"\{\{([A-Z_]+)\|(.*?)\}\}")

SpanLike = tuple[int, int, str]


@dataclass
class KindScore:
    """Counts and rates for one kind. Rates are 1.0 when there was nothing to get wrong."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class PiiScore:
    """Per-kind scores plus the totals over all kinds."""

    kinds: dict[str, KindScore] = field(default_factory=dict)

    @property
    def overall(self) -> KindScore:
        total = KindScore()
        for score in self.kinds.values():
            total.tp += score.tp
            total.fp += score.fp
            total.fn += score.fn
        return total

    def table(self) -> str:
        """A plain-text table of precision and recall per kind, for reports."""
        lines = [f"{'kind':<15}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}"]
        for kind, s in [*sorted(self.kinds.items()), ("ALL", self.overall)]:
            lines.append(
                f"{kind:<15}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>11.3f}{s.recall:>8.3f}"
            )
        return "\n".join(lines)


def parse_annotated(marked: str) -> tuple[str, list[SpanLike]]:
    """The plain text and gold (start, end, kind) spans of a ``{{KIND|text}}``-marked line."""
    plain: list[str] = []
    gold: list[SpanLike] = []
    position = 0
    length = 0
    for match in _MARK.finditer(marked):
        before = marked[position : match.start()]
        plain.append(before)
        length += len(before)
        value = match.group(2)
        gold.append((length, length + len(value), match.group(1)))
        plain.append(value)
        length += len(value)
        position = match.end()
    plain.append(marked[position:])
    return "".join(plain), gold


def score(
    predicted: Iterable[Sequence[SpanLike]],
    gold: Iterable[Sequence[SpanLike]],
    *,
    exact: bool = False,
) -> PiiScore:
    """Score predicted against gold spans, text by text.

    A prediction matches a gold span of the same kind when they overlap (or, with
    ``exact=True``, have the same boundaries); each gold span is matched at most once.
    """
    result = PiiScore()
    for predicted_spans, gold_spans in zip(predicted, gold, strict=True):
        matched: set[int] = set()
        for start, end, kind in predicted_spans:
            hit = next(
                (
                    index
                    for index, (g_start, g_end, g_kind) in enumerate(gold_spans)
                    if index not in matched
                    and g_kind == kind
                    and (
                        (start, end) == (g_start, g_end)
                        if exact
                        else start < g_end and g_start < end
                    )
                ),
                None,
            )
            entry = result.kinds.setdefault(kind, KindScore())
            if hit is None:
                entry.fp += 1
            else:
                matched.add(hit)
                entry.tp += 1
        for index, (_, _, kind) in enumerate(gold_spans):
            if index not in matched:
                result.kinds.setdefault(kind, KindScore()).fn += 1
    return result
