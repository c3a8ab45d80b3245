"""Chart geometry for theme reports, drawn from a report payload (live or snapshot).

Charts are server-rendered SVG (no script, nothing inline for the Content Security Policy to
block): horizontal bars with every value written beside its bar, so nothing depends on colour
or on reading a bar's length. Each chart has a title and a description for screen readers, and
the page puts the full data table beside it. Suppressed figures draw no bar; their label says
"<5" (or "suppressed"), exactly as the table does.
"""

from __future__ import annotations

WIDTH = 720
LABEL_WIDTH = 300
VALUE_WIDTH = 110
BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH
ROW = 28
BAR = 18
GROUP_BAR = 14
TOP = 8
MAX_LABEL = 40
MAX_PERIODS = 4
# GOV.UK Frontend colours with enough contrast against white (and each other) to tell apart;
# the legend and the written values carry the meaning, never the colour alone.
FILLS = ["#1d70b8", "#00703c", "#4c2c92", "#d4351c"]


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _value_text(cell: dict, share: dict | None) -> str:
    if cell["status"] != "shown":
        return cell["mark"]
    if share is None:
        return cell["text"]
    return f"{share['text']} ({cell['text']})"


def prevalence_chart(payload: dict, chart_id: str = "chart-prevalence") -> dict | None:
    """Share of people by (top-level) theme, largest first."""
    rows = [t for t in payload["themes"] if not t["depth"]]
    if not rows:
        return None
    rows.sort(key=lambda t: -(t["share"]["value"] if t["share"] else -1))
    bars = []
    for index, theme in enumerate(rows):
        y = TOP + index * ROW
        fraction = theme["share"]["value"] if theme["share"] else 0.0
        width = round(BAR_AREA * fraction, 1)
        bars.append(
            {
                "label": _short(theme["label"]),
                "y": y,
                "text_y": y + BAR - 4,
                "bar_width": width,
                "value": _value_text(theme["people"], theme["share"]),
                "value_x": LABEL_WIDTH + width + 6,
                "fill": FILLS[0],
            }
        )
    shown = [t for t in rows if t["share"]]
    summary = (
        f"The most often raised theme is {shown[0]['label']}, by {shown[0]['share']['text']} "
        "of people."
        if shown
        else "No theme can be shown: too few people."
    )
    return {
        "id": chart_id,
        "title": "Share of people who raised each theme",
        "desc": f"Horizontal bar chart of {len(rows)} themes. {summary} "
        "The figures are in the table beside the chart.",
        "width": WIDTH,
        "height": TOP * 2 + len(rows) * ROW,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bars": bars,
        "legend": [],
    }


def period_chart(payload: dict, kind: str, chart_id: str) -> dict | None:
    """Share of each period's people by (top-level) theme, one bar per period (the latest
    four), grouped by theme. ``kind`` is "rounds" or "quarters"."""
    table = payload[kind]
    periods = [p for p in table["periods"] if p["key"] != "none"][-MAX_PERIODS:]
    rows = [r for r in table["rows"] if not r["depth"]]
    if not periods or not rows:
        return None
    wanted = {p["key"]: i for i, p in enumerate(periods)}
    group_height = GROUP_BAR * len(periods) + 12
    bars, labels = [], []
    for index, row in enumerate(rows):
        top = TOP + index * group_height
        labels.append({"label": _short(row["label"]), "y": top + 12})
        for entry in row["cells"]:
            if entry["period"] not in wanted:
                continue
            position = wanted[entry["period"]]
            y = top + position * GROUP_BAR
            share = entry["share"]
            width = round(BAR_AREA * share["value"], 1) if share else 0.0
            bars.append(
                {
                    "y": y,
                    "text_y": y + GROUP_BAR - 3,
                    "bar_height": GROUP_BAR - 2,
                    "bar_width": width,
                    "value": f"{periods[position]['label']}: "
                    + _value_text(entry["people"], share),
                    "value_x": LABEL_WIDTH + width + 6,
                    "fill": FILLS[position % len(FILLS)],
                }
            )
    noun = "round" if kind == "rounds" else "quarter"
    return {
        "id": chart_id,
        "title": f"Share of people who raised each theme, by {noun}",
        "desc": f"Grouped horizontal bar chart: {len(rows)} themes, one bar for each of "
        f"{len(periods)} {noun}s ({', '.join(p['label'] for p in periods)}). "
        "The figures are in the table beside the chart.",
        "width": WIDTH + 80,
        "height": TOP * 2 + len(rows) * group_height,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "group_labels": labels,
        "bars": bars,
        "legend": [
            {"label": p["label"], "fill": FILLS[i % len(FILLS)]} for i, p in enumerate(periods)
        ],
    }


def charts_for(payload: dict) -> dict:
    return {
        "prevalence": prevalence_chart(payload),
        "rounds": period_chart(payload, "rounds", "chart-rounds"),
        "quarters": period_chart(payload, "quarters", "chart-quarters"),
    }
