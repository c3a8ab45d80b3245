"""No small number ever leaves in an export: whatever the counts, no cell of the CSV, the XLSX
or the report document is a count of 1 to 4, and no figure in the payload that the page, the
charts and snapshots read is one either (hypothesis over invented figures, no database)."""

import csv
import datetime
import io
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insights.exports import report_csv, report_docx, report_xlsx
from insights.services.report_charts import charts_for
from insights.services.report_figures import Quote, RawFigures, ThemeRow
from insights.services.reports import assemble

LIMIT = 5
SMALL = range(1, LIMIT)
ROUNDS = ["1", "2", "3", "none"]
QUARTERS = ["2025-Q4", "2026-Q1", "2026-Q2"]
AWKWARD = ["=SUM(A1:A9)", "+44 7700 900000", "-1", "@here", "\tTabbed", "Plain words"]


@st.composite
def raw_figures(draw):
    people_total = draw(st.integers(0, 40))
    themes, people, segments = [], {}, {}
    n = 0
    for t in range(draw(st.integers(1, 4))):
        n += 1
        parent = ThemeRow(n, f"theme-{t}", draw(st.sampled_from(AWKWARD)), "barrier")
        children = []
        for c in range(draw(st.integers(0, 3))):
            n += 1
            children.append(
                ThemeRow(n, f"theme-{t}-{c}", f"Sub-theme {t}.{c}", "barrier", parent.key)
            )
        for child in children:
            people[child.key] = draw(st.integers(0, people_total))
        floor = max([people[c.key] for c in children], default=0)
        people[parent.key] = draw(st.integers(floor, max(floor, people_total)))
        themes += [parent, *children]
    for row in themes:
        segments[row.key] = people[row.key] + draw(st.integers(0, 30)) if people[row.key] else 0
    rounds = sorted(draw(st.sets(st.sampled_from(ROUNDS))), key=ROUNDS.index)
    quarters = sorted(draw(st.sets(st.sampled_from(QUARTERS))))
    figures = RawFigures(
        segment_filter={"place": "liverpool"},
        filter_text="Liverpool",
        codebook_version="v3",
        themes=themes,
        people_total=people_total,
        segments_total=people_total + draw(st.integers(0, 50)),
        theme_people=people,
        theme_segments=segments,
        rounds=rounds,
        quarters=quarters,
    )
    for _kind, periods, totals, cells in (
        ("round", rounds, figures.round_people, figures.theme_round_people),
        ("quarter", quarters, figures.quarter_people, figures.theme_quarter_people),
    ):
        for period in periods:
            totals[period] = draw(st.integers(0, people_total))
            for row in themes:
                cap = min(people[row.key], totals[period])
                cells[(row.key, period)] = draw(st.integers(0, cap))
    keys = [row.key for row in themes]
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if draw(st.booleans()):
                figures.pairs[(a, b)] = draw(st.integers(0, 12))
    for row in themes:
        if draw(st.booleans()):
            figures.quotes[row.key] = [
                Quote(
                    segment_id=1,
                    text=draw(st.sampled_from(AWKWARD)),
                    source_type="transcript",
                    stakeholder_group="resident",
                    place="Knowsley",
                    said_on=datetime.date(2026, 3, 1),
                    powerful=draw(st.booleans()),
                )
            ]
    return figures


def _is_small_count(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value in SMALL
    text = str(value).strip().replace(",", "")
    return bool(re.fullmatch(r"\d+", text)) and int(text) in SMALL


def _shown_values(node):
    """Every value of a figure the payload says may be shown."""
    if isinstance(node, dict):
        if node.get("status") == "shown" and "value" in node and "mark" in node:
            yield node["value"]
        for value in node.values():
            yield from _shown_values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _shown_values(value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=raw_figures())
def test_no_export_cell_and_no_shown_figure_is_ever_a_small_count(raw):
    payload = assemble(raw)
    assert not [v for v in _shown_values(payload) if _is_small_count(v)]
    charts_for(payload)  # draws without error whatever is hidden

    rows = list(csv.reader(io.StringIO(report_csv(payload).lstrip("\ufeff"))))
    header = rows[0]
    for row in rows[1:]:
        for name, cell in zip(header, row, strict=True):
            if name in {"People", "Segments"}:
                assert not _is_small_count(cell), (name, row)
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
        # A share is never shown beside a hidden count (it would give the count away).
        if row[header.index("Share of people")]:
            assert row[header.index("People")] not in ("<5", "suppressed")

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(report_xlsx(payload)))
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not _is_small_count(cell.value), (sheet.title, cell.coordinate)

    from docx import Document

    document = Document(io.BytesIO(report_docx(payload)))
    for table in document.tables:
        for line in table.rows:
            for cell in line.cells:
                assert not _is_small_count(cell.text), cell.text
    json.dumps(payload)  # what a snapshot stores is plain JSON
