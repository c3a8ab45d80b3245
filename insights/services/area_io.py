"""Reading small-area health and employment tables into one tidy shape.

Three layouts are read, each into rows of ``area_code, area_name, measure, numerator,
denominator, period`` (the product's own layout, documented on the upload page):

* **tidy**: the product's layout itself, one row per area, measure and period.
* **qof**: NHS England's Quality and Outcomes Framework raw prevalence file
  (``PRACTICE_CODE, GROUP_CODE, REGISTER, PATIENT_LIST_TYPE, PRACTICE_LIST_SIZE``; before 2017-18
  ``INDICATOR_GROUP_CODE`` and ``PATIENT_LIST_SIZE``). QOF counts patients by GP practice, not by
  area, so it comes with a lookup (``practice_code, area_code, area_name``) that says which area
  each practice's patients are counted in; registers and list sizes are summed per area.
* **census**: an ONS Census 2021 topic summary of economic activity (TS066) as Nomis publishes
  it, either the bulk file (``date, geography, geography code, Economic activity status: ...``) or
  a web query download (title rows, then a header row with ``mnemonic``). It gives two outcomes:
  economically inactive because of long-term sickness or disability, and unemployed, each over
  usual residents aged 16 and over.

Nothing here touches the database: the product and the ``area_health`` command share it. Every
problem is collected with its row so the file can be fixed in one go, and a file with any problem
gives no rows at all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from engagement.uploads import RowProblems

TIDY_COLUMNS = ("area_code", "area_name", "measure", "numerator", "denominator", "period")
# A GSS code: a country letter, a two-digit entity and six digits (E01006512, E08000012).
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")
SMALL_AREA_ENTITIES = ("E01", "E02", "W01", "W02")  # LSOA, MSOA
MAX_PROBLEMS = 25

# QOF group codes and the conditions they count (NHS England's indicator reference).
QOF_CONDITIONS = {
    "AF": "Atrial fibrillation",
    "AST": "Asthma",
    "CAN": "Cancer",
    "CHD": "Coronary heart disease",
    "CKD": "Chronic kidney disease",
    "COPD": "COPD",
    "DEM": "Dementia",
    "DEP": "Depression",
    "DM": "Diabetes",
    "EP": "Epilepsy",
    "HF": "Heart failure",
    "HYP": "Hypertension",
    "LD": "Learning disability",
    "MH": "Severe mental illness",
    "NDH": "Non-diabetic hyperglycaemia",
    "OB": "Obesity",
    "OST": "Osteoporosis",
    "PAD": "Peripheral arterial disease",
    "PC": "Palliative care",
    "RA": "Rheumatoid arthritis",
    "STIA": "Stroke and TIA",
}
# The two outcomes read from TS066, by the ends of the column headings that make them up
# (headings are compared without spaces or case, since Nomis spaces its colons unevenly).
INACTIVE_SICK = "Economically inactive: long-term sick or disabled"
UNEMPLOYED = "Unemployed"
_TS066_BASE = "total:allusualresidentsaged16yearsandover"
_TS066_NUMERATORS = {
    INACTIVE_SICK: ("economicallyinactive:long-termsickordisabled",),
    UNEMPLOYED: (
        "economicallyactive(excludingfull-timestudents):unemployed",
        "economicallyactiveandafull-timestudent:unemployed",
    ),
}


class AreaDataError(ValueError):
    """A file that cannot be used; ``problems`` says what is wrong, row by row."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class AreaRow:
    area_code: str
    area_name: str
    measure: str
    numerator: int
    denominator: int
    period: str


class _Problems(RowProblems):
    def __init__(self):
        super().__init__(MAX_PROBLEMS)

    def raise_any(self) -> None:
        if self.items:
            raise AreaDataError(self.items)


def _text(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AreaDataError(["The file must be a CSV saved as UTF-8."]) from None


def _records(data: bytes | str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(_text(data)))
    try:
        return list(reader)
    except csv.Error as error:
        raise AreaDataError(
            [f"The file cannot be read as CSV (line {reader.line_num}): {error}."]
        ) from None


def _squash(heading: str) -> str:
    return re.sub(r"\s+", "", heading).lower()


def _count(raw: str) -> int | None:
    """A whole number of people; None when the cell is not one (blank, text, negative)."""
    raw = (raw or "").strip().replace(",", "")
    if raw.endswith(".0"):
        raw = raw[:-2]
    return int(raw) if raw.isdigit() else None


def detect_layout(data: bytes | str) -> str:
    """ "tidy", "qof" or "census" from the file's header; AreaDataError when none fits."""
    records = _records(data)
    header = {_squash(cell) for cell in (records[0] if records else [])}
    if set(TIDY_COLUMNS) <= header:
        return "tidy"
    if "group_code" in header or "indicator_group_code" in header:
        return "qof"
    if any("mnemonic" in {_squash(c) for c in row} for row in records[:12]) or (
        "geographycode" in header
    ):
        return "census"
    raise AreaDataError(
        [
            "The file's columns fit none of the layouts this page reads: the product's own "
            f"({', '.join(TIDY_COLUMNS)}), a QOF prevalence file (PRACTICE_CODE, GROUP_CODE, "
            "REGISTER, PRACTICE_LIST_SIZE) or a Census 2021 TS066 file from Nomis."
        ]
    )


def _check_area(number: int, code: str, name: str, problems: _Problems) -> bool:
    if not GSS_CODE.match(code):
        problems.add(
            f"Row {number}, column area_code: “{code}” is not an ONS area code "
            "(a letter and eight digits, such as E01006512)."
        )
        return False
    if not name:
        problems.add(f"Row {number}, column area_name: the area {code} has no name.")
        return False
    return True


def _check_counts(
    number: int, numerator: int | None, denominator: int | None, raw: tuple[str, str], problems
) -> bool:
    if numerator is None:
        problems.add(
            f"Row {number}, column numerator: “{raw[0]}” is not a whole number of zero or more."
        )
        return False
    if denominator is None or denominator == 0:
        problems.add(
            f"Row {number}, column denominator: “{raw[1]}” is not a whole number above zero."
        )
        return False
    if numerator > denominator:
        problems.add(
            f"Row {number}: the numerator ({numerator:,}) is larger than the denominator "
            f"({denominator:,})."
        )
        return False
    return True


def _unique(rows: Iterable[tuple[int, AreaRow]], problems: _Problems) -> list[AreaRow]:
    seen: dict[tuple[str, str, str], int] = {}
    kept = []
    for number, row in rows:
        key = (row.area_code, row.measure.lower(), row.period)
        if key in seen:
            problems.add(
                f"Row {number} repeats row {seen[key]} (same area, measure and period: "
                f"{row.area_code}, {row.measure}, {row.period})."
            )
            continue
        seen[key] = number
        kept.append(row)
    return kept


def parse_tidy(data: bytes | str) -> list[AreaRow]:
    """The product's layout: ``area_code, area_name, measure, numerator, denominator, period``."""
    records = _records(data)
    if not records:
        raise AreaDataError(["The file is empty: it needs a header row."])
    header = [_squash(cell) for cell in records[0]]
    missing = [column for column in TIDY_COLUMNS if column not in header]
    if missing:
        raise AreaDataError(
            [
                f"The file is missing the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}. It needs: {', '.join(TIDY_COLUMNS)}."
            ]
        )
    if len(records) < 2:
        raise AreaDataError(["The file has a header row but no data rows."])
    at = {column: header.index(column) for column in TIDY_COLUMNS}
    problems, parsed = _Problems(), []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = {c: (record[i].strip() if i < len(record) else "") for c, i in at.items()}
        ok = _check_area(number, cells["area_code"].upper(), cells["area_name"], problems)
        if not cells["measure"]:
            problems.add(f"Row {number}, column measure: the measure has no name.")
            ok = False
        if not cells["period"]:
            problems.add(
                f"Row {number}, column period: the period is blank (e.g. 2021 or 2022-23)."
            )
            ok = False
        numerator, denominator = _count(cells["numerator"]), _count(cells["denominator"])
        raw = (cells["numerator"], cells["denominator"])
        if _check_counts(number, numerator, denominator, raw, problems) and ok:
            parsed.append(
                (
                    number,
                    AreaRow(
                        cells["area_code"].upper(),
                        cells["area_name"],
                        cells["measure"],
                        numerator,
                        denominator,
                        cells["period"],
                    ),
                )
            )
    rows = _unique(parsed, problems)
    problems.raise_any()
    return rows


def parse_practice_lookup(data: bytes | str) -> dict[str, tuple[str, str]]:
    """``practice_code, area_code, area_name``: the area each GP practice's patients count in."""
    records = _records(data)
    header = [_squash(cell) for cell in records[0]] if records else []
    needed = ("practice_code", "area_code", "area_name")
    missing = [column for column in needed if column not in header]
    if missing:
        raise AreaDataError(
            [
                f"The practice lookup needs the columns {', '.join(needed)}; it lacks "
                f"{', '.join(missing)}."
            ]
        )
    at = {column: header.index(column) for column in needed}
    problems, lookup = _Problems(), {}
    for number, record in enumerate(records[1:], start=2):
        cells = {c: (record[i].strip() if i < len(record) else "") for c, i in at.items()}
        practice = cells["practice_code"].upper()
        if not practice:
            if any(cell.strip() for cell in record):
                problems.add(f"Lookup row {number}, column practice_code: blank.")
            continue
        if not _check_area(number, cells["area_code"].upper(), cells["area_name"], problems):
            continue
        if practice in lookup:
            problems.add(f"Lookup row {number}: the practice {practice} is listed twice.")
            continue
        lookup[practice] = (cells["area_code"].upper(), cells["area_name"])
    problems.raise_any()
    if not lookup:
        raise AreaDataError(["The practice lookup has no practices in it."])
    return lookup


def parse_qof(
    data: bytes | str, lookup: dict[str, tuple[str, str]], period: str
) -> tuple[list[AreaRow], int]:
    """QOF raw prevalence summed to areas by the practice lookup: (rows, practices left out
    because the lookup does not place them)."""
    if not period:
        raise AreaDataError(["Say which QOF year the file is for (e.g. 2022-23)."])
    records = _records(data)
    header = [_squash(cell) for cell in records[0]] if records else []
    group = "group_code" if "group_code" in header else "indicator_group_code"
    size = "practice_list_size" if "practice_list_size" in header else "patient_list_size"
    needed = ("practice_code", group, "register", size)
    missing = [column for column in needed if column not in header]
    if missing:
        raise AreaDataError(
            [
                f"The QOF file lacks the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(c.upper() for c in missing)}."
            ]
        )
    at = {column: header.index(column) for column in needed}
    problems = _Problems()
    totals: dict[tuple[str, str], list[int]] = {}
    names: dict[str, str] = {}
    left_out: set[str] = set()
    seen: dict[tuple[str, str], int] = {}
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        cells = {c: (record[i].strip() if i < len(record) else "") for c, i in at.items()}
        practice, code = cells["practice_code"].upper(), cells[group].upper()
        if (practice, code) in seen:
            problems.add(f"Row {number} repeats row {seen[practice, code]} ({practice}, {code}).")
            continue
        seen[practice, code] = number
        register, list_size = _count(cells["register"]), _count(cells[size])
        if register is None and list_size is None and not cells["register"]:
            continue  # NHS England leaves both blank for a practice with no list
        if not _check_counts(
            number, register, list_size, (cells["register"], cells[size]), problems
        ):
            continue
        if practice not in lookup:
            left_out.add(practice)
            continue
        area_code, area_name = lookup[practice]
        names[area_code] = area_name
        measure = QOF_CONDITIONS.get(code, code)
        total = totals.setdefault((area_code, measure), [0, 0])
        total[0] += register
        total[1] += list_size
    problems.raise_any()
    if not totals:
        raise AreaDataError(["No practice in the QOF file is in the lookup, so no area has data."])
    rows = [
        AreaRow(code, names[code], measure, num, den, period)
        for (code, measure), (num, den) in sorted(totals.items())
    ]
    return rows, len(left_out)


def parse_census(data: bytes | str, period: str = "2021") -> list[AreaRow]:
    """Census 2021 TS066 (economic activity status) from Nomis, bulk or query download."""
    records = _records(data)
    start = next(
        (i for i, row in enumerate(records[:12]) if "mnemonic" in {_squash(c) for c in row}),
        None,
    )
    if start is None:
        start = 0
    header = [_squash(cell) for cell in records[start]] if records else []
    if "geographycode" in header:
        code_at, name_at = header.index("geographycode"), header.index("geography")
    elif "mnemonic" in header:
        code_at, name_at = header.index("mnemonic"), 0
    else:
        raise AreaDataError(["The census file has no “geography code” (or mnemonic) column."])
    date_at = header.index("date") if "date" in header else None

    def column(ends: str) -> int | None:
        return next((i for i, h in enumerate(header) if h.endswith(ends)), None)

    base = column(_TS066_BASE)
    parts = {m: [column(e) for e in ends] for m, ends in _TS066_NUMERATORS.items()}
    if base is None or any(at is None for ats in parts.values() for at in ats):
        raise AreaDataError(
            [
                "The census file is not the economic activity topic summary (TS066): it needs "
                "the columns for all usual residents aged 16 and over, unemployed, and "
                "economically inactive because of long-term sickness or disability."
            ]
        )
    problems, parsed = _Problems(), []
    for number, record in enumerate(records[start + 1 :], start=start + 2):
        code = record[code_at].strip().upper() if code_at < len(record) else ""
        if not code:
            continue  # Nomis ends a query download with blank and footnote rows
        name = record[name_at].strip() if name_at < len(record) else ""
        if not _check_area(number, code, name, problems):
            continue
        row_period = (record[date_at].strip() if date_at is not None else "") or period
        denominator = _count(record[base] if base < len(record) else "")
        for measure, ats in parts.items():
            values = [_count(record[at] if at < len(record) else "") for at in ats]
            numerator = None if None in values else sum(values)
            raw = ("/".join(record[at] for at in ats if at < len(record)), record[base])
            if _check_counts(number, numerator, denominator, raw, problems):
                parsed.append(
                    (number, AreaRow(code, name, measure, numerator, denominator, row_period))
                )
    rows = _unique(parsed, problems)
    problems.raise_any()
    if not rows:
        raise AreaDataError(["The census file has a header but no areas."])
    return rows


def write_tidy(rows: Iterable[AreaRow]) -> str:
    """Rows in the product's layout, as CSV text (the round trip of every reader)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TIDY_COLUMNS)
    for row in rows:
        writer.writerow(
            [row.area_code, row.area_name, row.measure, row.numerator, row.denominator, row.period]
        )
    return out.getvalue()


# --- Places ------------------------------------------------------------------------------------


def place_for(code: str, name: str, places: Iterable[tuple[str, str, str]]) -> str | None:
    """The key of the Place an area rolls up to, from ``(key, name, ons_code)`` triples: a local
    authority by its own ONS code; an LSOA or MSOA by its ONS name, which always begins with its
    local authority's name ("Liverpool 001A"); None when it is in none of them."""
    places = list(places)
    for key, _, ons_code in places:
        if code == ons_code:
            return key
    if code[:3] in SMALL_AREA_ENTITIES:
        for key, place_name, _ in sorted(places, key=lambda p: -len(p[1])):
            if re.fullmatch(re.escape(place_name) + r" \d{3}[A-Z]?", name.strip(), re.I):
                return key
    return None


def counts_by_measure(rows: Iterable[AreaRow]) -> dict[str, dict[str, tuple[int, int]]]:
    """{measure: {area code: (numerator, denominator)}}, from each measure's latest period
    (periods sort as written: 2021 < 2022-23 < 2023-24)."""
    latest: dict[str, str] = {}
    rows = list(rows)
    for row in rows:
        if row.period > latest.get(row.measure, ""):
            latest[row.measure] = row.period
    counts: dict[str, dict[str, tuple[int, int]]] = {}
    for row in rows:
        if row.period == latest[row.measure]:
            counts.setdefault(row.measure, {})[row.area_code] = (row.numerator, row.denominator)
    return counts
