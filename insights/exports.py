"""Theme report exports: CSV, XLSX and a formatted Word document, all written from the same
suppressed payload the report page shows (`services.reports.theme_report`), so an export can
never hold a figure the page would hide.

Spreadsheet cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) get a leading apostrophe (`engagement.exports.safe_cell`). Exports carry no
segment ids and no person keys; quotes (already redacted and from consented segments) go into
the XLSX and the document, not the CSV of figures.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from engagement.exports import safe_cell
from engagement.suppression import SECONDARY_MARK, small_mark

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

HEADER = [
    "Table",
    "Theme",
    "Part of",
    "With theme",
    "Period",
    "People",
    "Share of people",
    "Segments",
    "Change in share",
    "Note",
]

# Characters XML (and so XLSX and DOCX) cannot hold; redacted text should not have them, but a
# pasted transcript might.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean(value):
    """A cell value made safe to open: no formula, no characters a document cannot hold."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
    return safe_cell(value)


def _export(cell: dict | None):
    """A figure for a spreadsheet: the number when shown, otherwise its mark ("<5")."""
    if cell is None:
        return ""
    return cell["value"] if cell["status"] == "shown" else cell["mark"]


def _share(share: dict | None) -> str:
    return share["text"] if share else ""


def about_rows(payload: dict) -> list[tuple[str, str]]:
    limit = payload["threshold"]
    return [
        ("Evidence", payload["filter_text"]),
        ("Codebook version", payload["codebook_version"]),
        ("Made", payload["generated_at"]),
        (
            "Small numbers",
            f"Counts of fewer than {limit} people are shown as “{small_mark(limit)}”; "
            f"“{SECONDARY_MARK}” marks a figure hidden so that a small one cannot be worked "
            "out from a total.",
        ),
        ("Sentiment", payload["sentiment"]["note"]),
    ]


def figure_rows(payload: dict) -> Iterable[list]:
    """Every figure of the report as one long table (the CSV, and the XLSX "Figures" sheet)."""
    labels = {t["key"]: t["label"] for t in payload["themes"]}
    parents = {t["key"]: t["parent"] for t in payload["themes"]}
    for name, value in about_rows(payload):
        yield ["About", name, "", "", "", "", "", "", "", value]
    yield [
        "All evidence",
        "",
        "",
        "",
        "All",
        _export(payload["people_total"]),
        "",
        _export(payload["segments_total"]),
        "",
        "",
    ]
    for theme in payload["themes"]:
        yield [
            "Themes",
            theme["label"],
            labels.get(theme["parent"], ""),
            "",
            "All",
            _export(theme["people"]),
            _share(theme["share"]),
            _export(theme["segments"]),
            "",
            "",
        ]
    for kind, table in (("Rounds", payload["rounds"]), ("Quarters", payload["quarters"])):
        for period in table["periods"]:
            yield [kind, "All themes", "", "", period["label"], _export(period["people"])]
        period_labels = {p["key"]: p["label"] for p in table["periods"]}
        for row in table["rows"]:
            parent = parents.get(row["key"])
            for entry in row["cells"]:
                yield [
                    kind,
                    row["label"],
                    labels.get(parent, ""),
                    "",
                    period_labels[entry["period"]],
                    _export(entry["people"]),
                    _share(entry["share"]),
                    "",
                    "",
                    "",
                ]
            for change in row["changes"]:
                yield [
                    "Change between rounds",
                    row["label"],
                    labels.get(parent, ""),
                    "",
                    change["label"],
                    "",
                    "",
                    "",
                    change["text"],
                    "",
                ]
    for pair in payload["pairs"]["rows"]:
        yield [
            "Themes said together",
            pair["a_label"],
            "",
            pair["b_label"],
            "All",
            _export(pair["people"]),
            "",
            "",
            "",
            "",
        ]
    if payload["pairs"]["hidden"]:
        yield [
            "Themes said together",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            f"{payload['pairs']['hidden']} pairs of themes raised by fewer than "
            f"{payload['threshold']} people are not listed.",
        ]


def _padded(rows: Iterable[list]) -> Iterable[list]:
    for row in rows:
        yield [clean(value) for value in [*row, *[""] * (len(HEADER) - len(row))]]


def report_csv(payload: dict) -> str:
    """The figures as CSV text (with a byte-order mark so Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(_padded(figure_rows(payload)))
    return buffer.getvalue()


def quote_rows(payload: dict) -> Iterable[list]:
    for theme in payload["themes"]:
        for quote in theme["quotes"]:
            yield [
                theme["label"],
                quote["text"],
                quote["group"],
                quote["place"],
                quote["source"],
                quote["when"],
                "yes" if quote["powerful"] else "",
            ]


def report_xlsx(payload: dict) -> bytes:
    """A workbook: About, Figures (as the CSV), Themes, Quotes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "About"
    about.append([clean("Theme report")])
    about["A1"].font = Font(bold=True, size=14)
    for name, value in about_rows(payload):
        about.append([clean(name), clean(value)])
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 100

    figures = book.create_sheet("Figures")
    figures.append(HEADER)
    for row in _padded(figure_rows(payload)):
        figures.append(row)

    themes = book.create_sheet("Themes")
    themes.append(["Theme", "Part of", "People", "Share of people", "Segments"])
    labels = {t["key"]: t["label"] for t in payload["themes"]}
    for theme in payload["themes"]:
        themes.append(
            [
                clean(theme["label"]),
                clean(labels.get(theme["parent"], "")),
                clean(_export(theme["people"])),
                clean(_share(theme["share"])),
                clean(_export(theme["segments"])),
            ]
        )

    quotes = book.create_sheet("Quotes")
    quotes.append(["Theme", "Quote", "Stakeholder group", "Place", "Source", "When", "Powerful"])
    for row in quote_rows(payload):
        quotes.append([clean(value) for value in row])
    for sheet in (figures, themes, quotes):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_docx(payload: dict, title: str = "Theme report") -> bytes:
    """A formatted report document (Word), laid out as the report page is: what it covers,
    the themes, change between rounds, themes said together and quotes."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(_text(title), level=0)
    for name, value in about_rows(payload):
        para = doc.add_paragraph()
        para.add_run(f"{name}: ").bold = True
        para.add_run(_text(value))

    doc.add_heading("Themes", level=1)
    doc.add_paragraph(
        f"People whose words are in this evidence: {payload['people_total']['text']}; "
        f"segments: {payload['segments_total']['text']}."
    )
    _table(
        doc,
        ["Theme", "People", "Share of people", "Segments"],
        [
            [
                ("    " if t["depth"] else "") + t["label"],
                t["people"]["text"],
                _share(t["share"]) or "–",
                t["segments"]["text"],
            ]
            for t in payload["themes"]
        ],
    )
    for kind, heading in (("rounds", "Change between rounds"), ("quarters", "Over time")):
        table = payload[kind]
        if not table["periods"]:
            continue
        doc.add_heading(heading, level=1)
        head = ["Theme", *[p["label"] for p in table["periods"]]]
        rows = [["People in the evidence", *[p["people"]["text"] for p in table["periods"]]]]
        for row in table["rows"]:
            rows.append(
                [
                    ("    " if row["depth"] else "") + row["label"],
                    *[
                        (_share(c["share"]) + f" ({c['people']['text']})")
                        if c["share"]
                        else c["people"]["text"]
                        for c in row["cells"]
                    ],
                ]
            )
        _table(doc, head, rows)
        changes = [
            [row["label"], change["label"], change["text"]]
            for row in table["rows"]
            for change in row["changes"]
            if change["value"] is not None
        ]
        if changes:
            doc.add_paragraph("Change in the share of people raising each theme:")
            _table(doc, ["Theme", "Between", "Change"], changes)

    doc.add_heading("Themes said together", level=1)
    pairs = payload["pairs"]
    if pairs["rows"]:
        _table(
            doc,
            ["Theme", "With theme", "People"],
            [[p["a_label"], p["b_label"], p["people"]["text"]] for p in pairs["rows"]],
        )
    else:
        doc.add_paragraph("No two themes were raised together by enough people to show.")
    if pairs["hidden"]:
        doc.add_paragraph(
            f"{pairs['hidden']} pairs raised by fewer than {payload['threshold']} people are "
            "not listed."
        )

    doc.add_heading("Sentiment", level=1)
    doc.add_paragraph(payload["sentiment"]["note"])

    quoted = [t for t in payload["themes"] if t["quotes"]]
    if quoted:
        doc.add_heading("What people said", level=1)
        for theme in quoted:
            doc.add_heading(_text(theme["label"]), level=2)
            for quote in theme["quotes"]:
                doc.add_paragraph(f"“{_text(quote['text'])}”", style="Quote")
                doc.add_paragraph(
                    _text(
                        f"{quote['group']}, {quote['place'] or 'no Place'}, "
                        f"{quote['source'].lower()}, {quote['when']}"
                    )
                )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    return _CONTROL.sub("", str(value))


def _table(doc, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = _text(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = _text(text)
