"""The raw figures behind a theme report: their shape, the codebook as reports see it, which
segments are in scope, and the segments behind any one figure. The counting itself is in
`report_counts.py`.

Everything here is unsuppressed and stays inside the reports service: `reports.py` passes it
through `suppression.py` before anything is shown or stored.

What counts as evidence: a code a person accepted (``Code.status == accepted``) on a segment in
analysis (consent stands, the turn is codable) that matches the filter, for an approved theme.
A retired theme that was merged into another counts for the theme it was merged into; candidate
themes and retired themes that were not merged never count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from ..filters import apply_filter
from ..models import Code, CodebookVersion, Segment, Theme

QUOTES_PER_THEME = 3
NO_ROUND = "none"


@dataclass(frozen=True)
class ThemeRow:
    """One row of the report's theme tree (a theme, or a sub-theme with ``parent`` set)."""

    id: int
    key: str
    label: str
    kind: str
    parent: str | None = None  # the parent theme's key

    @property
    def depth(self) -> int:
        return 1 if self.parent else 0


@dataclass(frozen=True)
class Quote:
    """A consented, redacted segment that shows what a theme is about. ``segment_id`` is kept for
    the live report's links only; snapshots and exports never carry it."""

    segment_id: int
    text: str
    source_type: str
    stakeholder_group: str
    place: str
    said_on: date
    powerful: bool


@dataclass
class RawFigures:
    """Unsuppressed counts for one filter. Keys: theme keys, round keys ("1", "2", ... or
    "none"), quarter keys ("2026-Q1")."""

    segment_filter: dict
    filter_text: str
    codebook_version: str
    themes: list[ThemeRow]
    people_total: int = 0
    segments_total: int = 0
    theme_people: dict[str, int] = field(default_factory=dict)
    theme_segments: dict[str, int] = field(default_factory=dict)
    rounds: list[str] = field(default_factory=list)
    round_people: dict[str, int] = field(default_factory=dict)
    theme_round_people: dict[tuple[str, str], int] = field(default_factory=dict)
    quarters: list[str] = field(default_factory=list)
    quarter_people: dict[str, int] = field(default_factory=dict)
    theme_quarter_people: dict[tuple[str, str], int] = field(default_factory=dict)
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    quotes: dict[str, list[Quote]] = field(default_factory=dict)


# --- The codebook as reports see it ------------------------------------------------------------


@dataclass
class EvidenceThemes:
    """Approved themes as report rows, and which theme ids count towards which row."""

    rows: list[ThemeRow]
    own: dict[int, int]  # contributing theme id -> the row it counts for
    top: dict[int, int]  # contributing theme id -> the top-level row it rolls up to

    def by_id(self) -> dict[int, ThemeRow]:
        return {row.id: row for row in self.rows}

    def contributing(self, unit_ids) -> list[int]:
        """Theme ids whose codes count for any of these rows (own level or roll-up)."""
        wanted = set(unit_ids)
        return sorted(tid for tid in self.own if self.own[tid] in wanted or self.top[tid] in wanted)


def evidence_themes() -> EvidenceThemes:
    """The approved theme tree (two levels: theme → sub-theme; anything deeper counts for its
    sub-theme) and where each theme's codes count. One query."""
    themes = {
        t["id"]: t
        for t in Theme.objects.values(
            "id", "key", "label", "kind", "parent_id", "status", "merged_into_id", "sort_order"
        )
    }

    def resolve(tid):
        seen = set()
        while tid is not None and tid not in seen:
            seen.add(tid)
            theme = themes.get(tid)
            if theme is None:
                return None
            if theme["status"] == Theme.Status.APPROVED:
                return tid
            if theme["status"] == Theme.Status.RETIRED and theme["merged_into_id"]:
                tid = theme["merged_into_id"]
                continue
            return None
        return None

    def ancestors(tid) -> list[int]:
        """Approved ancestors of an approved theme, nearest first."""
        out, seen = [], {tid}
        parent = resolve(themes[tid]["parent_id"])
        while parent is not None and parent not in seen:
            out.append(parent)
            seen.add(parent)
            parent = resolve(themes[parent]["parent_id"])
        return out

    approved = [tid for tid, t in themes.items() if t["status"] == Theme.Status.APPROVED]
    lineage = {tid: ancestors(tid) for tid in approved}
    # The row a theme is shown on: itself at the top or one level down; deeper themes lift to
    # their ancestor one level below the top.
    row_of = {tid: ([tid, *chain][-2] if chain else tid) for tid, chain in lineage.items()}
    top_of = {tid: (chain[-1] if chain else tid) for tid, chain in lineage.items()}

    def order(tid):
        t = themes[tid]
        return (t["sort_order"], t["label"].casefold(), tid)

    rows: list[ThemeRow] = []
    tops = sorted({top_of[tid] for tid in approved}, key=order)
    children: dict[int, list[int]] = defaultdict(list)
    for tid in {row_of[tid] for tid in approved}:
        if tid != top_of[tid]:
            children[top_of[tid]].append(tid)
    for top in tops:
        t = themes[top]
        rows.append(ThemeRow(top, t["key"], t["label"], t["kind"]))
        for child in sorted(children[top], key=order):
            c = themes[child]
            rows.append(ThemeRow(child, c["key"], c["label"], c["kind"], parent=t["key"]))

    own, top = {}, {}
    for tid in themes:
        target = resolve(tid)
        if target is not None:
            own[tid], top[tid] = row_of[target], top_of[target]
    return EvidenceThemes(rows=rows, own=own, top=top)


def codebook_version_label() -> str:
    latest = CodebookVersion.objects.order_by("-number").values_list("number", flat=True).first()
    return f"v{latest}" if latest is not None else "v0 (starter)"


# --- Querysets ---------------------------------------------------------------------------------


def segments_in_scope(segment_filter: dict | None):
    """Segments in analysis that match the filter: the only segments a report counts."""
    return apply_filter(Segment.objects.in_analysis(), segment_filter)


def round_key(number) -> str:
    return NO_ROUND if number is None else str(number)


def round_order(key: str):
    return (1, 0) if key == NO_ROUND else (0, int(key))


# --- The segments behind a figure --------------------------------------------------------------


def segments_behind(
    segment_filter: dict | None,
    theme_key: str,
    *,
    round_key: str | None = None,
    quarter: str | None = None,
    with_theme: str | None = None,
):
    """The segments in scope that a report figure counted: coded (accepted) with the theme's row
    (its own codes, its sub-themes' and any themes merged into it), optionally in one round or
    quarter, or also coded with a second theme (a co-occurrence figure). None when the theme is
    not an approved theme in the report."""
    tree = evidence_themes()
    by_key = {row.key: row for row in tree.rows}
    row = by_key.get(theme_key)
    if row is None:
        return None
    segments = segments_in_scope(segment_filter)
    ids = tree.contributing([row.id])
    # A co-occurrence counts own-level codes only, as the pairs query does.
    if with_theme is not None:
        other = by_key.get(with_theme)
        if other is None:
            return None
        ids = [tid for tid in tree.own if tree.own[tid] == row.id]
        other_ids = [tid for tid in tree.own if tree.own[tid] == other.id]
        segments = segments.filter(
            pk__in=Code.objects.filter(status=Code.Status.ACCEPTED, theme_id__in=other_ids).values(
                "segment_id"
            )
        )
    segments = segments.filter(
        pk__in=Code.objects.filter(status=Code.Status.ACCEPTED, theme_id__in=ids).values(
            "segment_id"
        )
    )
    if round_key is not None:
        segments = segments.filter(
            Q(round_number__isnull=True)
            if round_key == NO_ROUND
            else Q(round_number=int(round_key))
        )
    if quarter is not None:
        year, q = quarter.split("-Q")
        first_month = 3 * (int(q) - 1) + 1
        start = date(int(year), first_month, 1)
        end = date(int(year) + 1, 1, 1) if q == "4" else date(int(year), first_month + 3, 1)
        segments = segments.filter(said_on__gte=start, said_on__lt=end)
    return segments
