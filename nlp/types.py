"""Small value types shared across the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Source = Literal["rule", "similarity", "model"]


@dataclass(frozen=True)
class Suggestion:
    """A theme proposed for one segment, with where it came from and why.

    ``reason`` is what a coder needs to judge it: the matched phrase for a rule, the nearest
    definition or example for similarity, a short probability note for the supervised model.
    """

    theme_key: str
    score: float
    source: Source
    reason: str
    abstain: bool = False


@dataclass
class LabelledData:
    """Segments with optional ids and label sets, as read from a CSV file."""

    texts: list[str]
    labels: list[list[str]] | None = None
    ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.ids:
            self.ids = [str(i) for i in range(len(self.texts))]
        if self.labels is not None and len(self.labels) != len(self.texts):
            raise ValueError("texts and labels differ in length")

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def label_set(self) -> list[str]:
        """Every label used, sorted."""
        return sorted({label for row in self.labels or [] for label in row})

    @property
    def is_single_label(self) -> bool:
        """True when every row carries exactly one label."""
        return bool(self.labels) and all(len(row) == 1 for row in self.labels)
