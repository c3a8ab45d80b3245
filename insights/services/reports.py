"""Theme reports: the figures for one filter, suppressed, as one plain (JSON-able) structure.

`theme_report(filter)` is the only way a report is built. It counts in the database
(`report_figures.raw_figures`), passes every count of people through `suppression.py`, and
returns a payload that the report page, the charts, the exports and the published snapshots all
read, so a small number cannot slip out of one of them by a different route. The payload holds
no segment ids and no person keys; links to the segments behind a figure are added for the
live report only (`with_links`), for people who may see segments.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from itertools import pairwise

from django.utils import timezone

from engagement import suppression
from engagement.models.stakeholders import StakeholderGroup
from engagement.suppression import Cell

from ..models import Segment
from . import report_cache
from .report_counts import raw_figures
from .report_figures import NO_ROUND, RawFigures

PAYLOAD_VERSION = 1
MAX_PAIRS = 30
SENTIMENT_NOTE = (
    "No sentiment data: segments have not been scored for sentiment, so none is shown here."
)


def theme_report(segment_filter: dict | None, *, quotes: bool = True, fresh: bool = False) -> dict:
    """The suppressed report for a filter (see `assemble`).

    Served from `report_cache` while the evidence is unchanged; ``fresh`` counts anew whatever
    is kept (published snapshots, which must reflect the evidence at the moment they are taken).
    """

    def build() -> dict:
        return assemble(raw_figures(segment_filter, quotes_per_theme=3 if quotes else 0))

    if fresh:
        return build()
    return report_cache.cached_report(segment_filter, quotes, build)


def round_label(key: str) -> str:
    return "No round" if key == NO_ROUND else f"Round {key}"


def quarter_label(key: str) -> str:
    year, quarter = key.split("-")
    return f"{quarter} {year}"  # "Q1 2026"


def _share(cell: Cell, denominator: Cell) -> dict | None:
    """A share of people, shown only when both its count and its denominator are shown (a
    share of a shown total would otherwise give the hidden count away)."""
    if not (cell.shown and denominator.shown) or not denominator.value:
        return None
    value = cell.value / denominator.value
    return {"value": round(value, 4), "text": f"{100 * value:.1f}%"}


def _change(before: dict | None, after: dict | None) -> dict:
    """Change in share of people between two periods, in percentage points."""
    if before is None or after is None:
        return {"value": None, "text": "not shown"}
    points = round(100 * (after["value"] - before["value"]), 1)
    if points == 0:
        return {"value": 0.0, "text": "no change"}
    return {"value": points, "text": f"{'up' if points > 0 else 'down'} {abs(points):.1f} points"}


def _groups(raw: RawFigures):
    """Which cells add up to which shown totals (see `suppression.suppress`)."""
    tops = [row.key for row in raw.themes if not row.parent]
    children: dict[str, list[str]] = {}
    for row in raw.themes:
        if row.parent:
            children.setdefault(row.parent, []).append(row.key)
    groups = [([("theme", key) for key in tops], ("total",))]
    groups += [([("theme", c) for c in kids], ("theme", p)) for p, kids in children.items()]
    for kind, periods in (("round", raw.rounds), ("quarter", raw.quarters)):
        for row in raw.themes:
            groups.append(([(kind, row.key, p) for p in periods], ("theme", row.key)))
        for period in periods:
            groups.append(([(kind, key, period) for key in tops], (f"{kind}total", period)))
            for parent, kids in children.items():
                groups.append(([(kind, c, period) for c in kids], (kind, parent, period)))
        groups.append(([(f"{kind}total", p) for p in periods], ("total",)))
    return groups


def _values(raw: RawFigures) -> dict:
    values = {("total",): raw.people_total}
    for row in raw.themes:
        values[("theme", row.key)] = raw.theme_people.get(row.key, 0)
    for kind, periods, totals, cells in (
        ("round", raw.rounds, raw.round_people, raw.theme_round_people),
        ("quarter", raw.quarters, raw.quarter_people, raw.theme_quarter_people),
    ):
        for period in periods:
            values[(f"{kind}total", period)] = totals.get(period, 0)
            for row in raw.themes:
                values[(kind, row.key, period)] = cells.get((row.key, period), 0)
    return values


def assemble(raw: RawFigures, *, now=None) -> dict:
    """Suppress raw figures and lay them out for pages, charts, exports and snapshots."""
    limit = suppression.threshold()
    values = _values(raw)
    status = suppression.suppress(values, _groups(raw), limit)

    def cell(key) -> Cell:
        return Cell.of(values[key], status[key], limit)

    total = cell(("total",))
    segments_total = Cell.of(
        raw.segments_total,
        suppression.hidden_with(total.status, raw.segments_total, limit),
        limit,
    )
    group_labels = dict(StakeholderGroup.choices)
    source_labels = dict(Segment.SourceType.choices)

    labels = {row.key: row.label for row in raw.themes}
    themes = []
    for row in raw.themes:
        people = cell(("theme", row.key))
        quotes = []
        if people.shown and people.value:
            quotes = [
                {
                    "text": quote.text,
                    "source": source_labels.get(quote.source_type, quote.source_type),
                    "group": group_labels.get(quote.stakeholder_group, quote.stakeholder_group),
                    "place": quote.place,
                    "when": quote.said_on.strftime("%B %Y"),
                    "powerful": quote.powerful,
                }
                for quote in raw.quotes.get(row.key, [])
            ]
        themes.append(
            {
                "key": row.key,
                "label": row.label,
                "kind": row.kind,
                "parent": row.parent,
                "parent_label": labels.get(row.parent, ""),
                "depth": row.depth,
                "people": people.as_json(),
                # What these people said is counted too, and hidden with their count.
                "segments": Cell.of(
                    raw.theme_segments.get(row.key, 0),
                    suppression.hidden_with(
                        people.status, raw.theme_segments.get(row.key, 0), limit
                    ),
                    limit,
                ).as_json(),
                "share": _share(people, total),
                "quotes": quotes,
            }
        )

    payload = {
        "version": PAYLOAD_VERSION,
        "filter": dict(raw.segment_filter),
        "filter_text": raw.filter_text,
        "codebook_version": raw.codebook_version,
        "generated_at": (now or timezone.now()).isoformat(timespec="seconds"),
        "threshold": limit,
        "people_total": total.as_json(),
        "segments_total": segments_total.as_json(),
        "themes": themes,
        "rounds": _periods(raw, "round", raw.rounds, round_label, cell, change=True),
        "quarters": _periods(raw, "quarter", raw.quarters, quarter_label, cell, change=False),
        "pairs": _pairs(raw, limit),
        "sentiment": {"available": False, "note": SENTIMENT_NOTE},
        "quotes_included": any(theme["quotes"] for theme in themes),
    }
    return payload


def _periods(raw, kind, periods, label, cell, *, change: bool) -> dict:
    """A themes × periods table (rounds or quarters) of people, with shares of each period's
    people and, for rounds, the change in share from one numbered round to the next."""
    heads = [
        {"key": p, "label": label(p), "people": cell((f"{kind}total", p)).as_json()}
        for p in periods
    ]
    totals = {p: cell((f"{kind}total", p)) for p in periods}
    numbered = [p for p in periods if p != NO_ROUND]
    rows = []
    for row in raw.themes:
        cells, shares = [], {}
        for period in periods:
            people = cell((kind, row.key, period))
            shares[period] = _share(people, totals[period])
            cells.append({"period": period, "people": people.as_json(), "share": shares[period]})
        changes = []
        if change:
            changes = [
                {
                    "from": a,
                    "to": b,
                    "label": f"{label(a)} to {label(b)}",
                    **_change(shares[a], shares[b]),
                }
                for a, b in pairwise(numbered)
            ]
        rows.append(
            {
                "key": row.key,
                "label": row.label,
                "depth": row.depth,
                "cells": cells,
                "changes": changes,
            }
        )
    return {"periods": heads, "rows": rows}


def _pairs(raw: RawFigures, limit: int) -> dict:
    """Themes said together, counted in people: pairs seen in fewer people than the threshold
    are left out of the list entirely (and counted as left out)."""
    labels = {row.key: row.label for row in raw.themes}
    shown, hidden = [], 0
    for (a, b), people in raw.pairs.items():
        if suppression.is_small(people, limit):
            hidden += 1
            continue
        if people:
            shown.append((people, a, b))
    shown.sort(key=lambda item: (-item[0], labels[item[1]], labels[item[2]]))
    rows = [
        {
            "a": a,
            "a_label": labels[a],
            "b": b,
            "b_label": labels[b],
            "people": Cell.of(people, suppression.SHOWN, limit).as_json(),
        }
        for people, a, b in shown[:MAX_PAIRS]
    ]
    return {"rows": rows, "hidden": hidden, "more": max(0, len(shown) - MAX_PAIRS)}


# --- For the live report and for snapshots -----------------------------------------------------


def with_links(payload: dict, url_for: Callable[..., str]) -> dict:
    """A copy of the payload with a ``url`` on every shown, non-zero figure, pointing at the
    segments behind it. ``url_for(theme, round=, quarter=, with_theme=)`` builds the address;
    only call this for people who may see segments."""
    linked = copy.deepcopy(payload)
    for theme in linked["themes"]:
        for name in ("people", "segments"):
            if _linkable(theme[name]):
                theme[name]["url"] = url_for(theme["key"])
    for kind in ("rounds", "quarters"):
        for row in linked[kind]["rows"]:
            for entry in row["cells"]:
                if _linkable(entry["people"]):
                    extra = {"round": entry["period"]} if kind == "rounds" else {}
                    if kind == "quarters":
                        extra = {"quarter": entry["period"]}
                    entry["people"]["url"] = url_for(row["key"], **extra)
    for pair in linked["pairs"]["rows"]:
        pair["people"]["url"] = url_for(pair["a"], with_theme=pair["b"])
    return linked


def _linkable(cell: dict) -> bool:
    return cell["status"] == suppression.SHOWN and bool(cell["value"])


def snapshot_payload(payload: dict, *, include_quotes: bool) -> dict:
    """What a published snapshot stores: the suppressed figures, with quotes only when the lead
    chose to include them, and no links (partners never see segments)."""
    snapshot = copy.deepcopy(payload)
    for theme in snapshot["themes"]:
        for name in ("people", "segments"):
            theme[name].pop("url", None)
        if not include_quotes:
            theme["quotes"] = []
    for kind in ("rounds", "quarters"):
        for row in snapshot[kind]["rows"]:
            for entry in row["cells"]:
                entry["people"].pop("url", None)
    for pair in snapshot["pairs"]["rows"]:
        pair["people"].pop("url", None)
    snapshot["quotes_included"] = include_quotes and any(t["quotes"] for t in snapshot["themes"])
    return snapshot
