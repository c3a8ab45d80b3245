"""Small-number suppression: the one place that decides which counts of people may be shown.

Every report figure that counts people passes through here before it reaches a page, a chart, an
export or a published snapshot. Two rules:

* **Primary**: a count of 1 to ``threshold - 1`` people (fewer than 5 by default) is never shown.
  Zero is shown: nobody is not a small group.
* **Secondary**: where a total is shown, a group of cells that add up towards it never has exactly
  one hidden cell, because the hidden value could be worked out by subtraction. The smallest other
  cell is hidden too (or, failing that, the total). Groups share cells (a table's rows and columns,
  a theme and its sub-themes), so the rule is applied until nothing changes.

Counts of distinct people do not always add up exactly (one person speaks to several themes),
but they often nearly do, so every group with a total is treated as if it did: hiding one figure
too many is cheap, showing one too many is not.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings

SHOWN = "shown"
SMALL = "small"  # primary: fewer people than the threshold
SECONDARY = "secondary"  # hidden so that a small figure cannot be worked out from a total

SECONDARY_MARK = "suppressed"


def threshold() -> int:
    """The smallest number of people a figure may show (settings.EHL_SMALL_NUMBER_THRESHOLD)."""
    return int(getattr(settings, "EHL_SMALL_NUMBER_THRESHOLD", 5))


def is_small(value: int, limit: int | None = None) -> bool:
    limit = threshold() if limit is None else limit
    return 0 < value < limit


def small_mark(limit: int | None = None) -> str:
    """How a small count is written in charts and exports: "<5"."""
    return f"<{threshold() if limit is None else limit}"


def small_text(limit: int | None = None) -> str:
    """How a small count is written in sentences and tables: "fewer than 5"."""
    return f"fewer than {threshold() if limit is None else limit}"


def suppress(
    values: Mapping[Hashable, int],
    groups: Iterable[tuple[Sequence[Hashable], Hashable | None]] = (),
    limit: int | None = None,
) -> dict[Hashable, str]:
    """The status (SHOWN, SMALL or SECONDARY) of every count in ``values``.

    ``groups`` are ``(members, total)`` pairs: cells that make up a total shown beside them
    (``total`` None when no total is shown, which needs no secondary suppression). Every key
    named in a group must be in ``values``."""
    limit = threshold() if limit is None else limit
    status = {key: SMALL if is_small(value, limit) else SHOWN for key, value in values.items()}
    groups = [(list(members), total) for members, total in groups if total is not None]
    changed = True
    while changed:
        changed = False
        for members, total in groups:
            if status[total] != SHOWN:
                continue
            hidden = [key for key in members if status[key] != SHOWN]
            if len(hidden) != 1:
                continue
            shown = [key for key in members if status[key] == SHOWN]
            if shown:
                # Hide the smallest figure that is not zero; a zero only when nothing else is left.
                pick = min(shown, key=lambda key: (values[key] == 0, values[key]))
                status[pick] = SECONDARY
            else:
                status[total] = SECONDARY
            changed = True
    return status


@dataclass(frozen=True)
class Cell:
    """A count of people (or of what those people said) as it may be shown."""

    value: int | None  # None when hidden
    status: str = SHOWN
    limit: int = 5

    @classmethod
    def of(cls, value: int, status: str, limit: int | None = None) -> Cell:
        limit = threshold() if limit is None else limit
        return cls(value if status == SHOWN else None, status, limit)

    @property
    def shown(self) -> bool:
        return self.status == SHOWN

    @property
    def text(self) -> str:
        """For tables and sentences: "12", "fewer than 5" or "not shown"."""
        if self.status == SMALL:
            return small_text(self.limit)
        if self.status == SECONDARY:
            return "not shown"
        return f"{self.value:,}"

    @property
    def mark(self) -> str:
        """For charts and exports: "12", "<5" or "suppressed"."""
        if self.status == SMALL:
            return small_mark(self.limit)
        if self.status == SECONDARY:
            return SECONDARY_MARK
        return str(self.value)

    def export(self) -> int | str:
        """A spreadsheet cell: the number when shown, otherwise its mark."""
        return self.value if self.status == SHOWN else self.mark

    def as_json(self) -> dict:
        return {"value": self.value, "status": self.status, "text": self.text, "mark": self.mark}


def cell_from_json(data: Mapping) -> dict:
    """A stored cell, checked again on the way out: a stored value inside the small range is
    never passed on, whatever the stored status says, and a figure without a value is hidden."""
    value, status = data.get("value"), data.get("status", SHOWN)
    limit = threshold()
    if status not in (SHOWN, SMALL, SECONDARY):
        status = SECONDARY
    if status == SHOWN and not isinstance(value, int):
        status = SECONDARY
    elif status == SHOWN and is_small(value, limit):
        status = SMALL
    return Cell.of(value if isinstance(value, int) else 0, status, limit).as_json()


def hidden_with(status: str, value: int | None = None, limit: int | None = None) -> str:
    """The status of a figure that goes with a count of people (what those people said, say):
    hidden as a secondary figure when the people are hidden, and hidden as small when it is
    itself 1 to 4 (a handful of segments can only come from a handful of people, even where
    the segments carry no person, as with roundtable notes); otherwise shown."""
    if status != SHOWN:
        return SECONDARY
    if value is not None and is_small(value, limit):
        return SMALL
    return SHOWN
