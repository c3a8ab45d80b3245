"""The service map: programmes by Place, the cohort × Place coverage matrix, CSV import/export.

A gap is a cohort with no programme in a Place; an overlap is two or more programmes for the same
cohort in the same Place (worth a look: overlapping eligibility rules confuse people)."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils.text import slugify

from engagement.models import Cohort, Place
from engagement.uploads import UploadError, read_csv_table

from ..models import Programme
from .decision_editing import RESERVED_KEYS

COLUMNS = (
    "key",
    "name",
    "provider",
    "places",
    "commissioning_level",
    "lead_sector",
    "funding_stream",
    "cohorts",
    "eligibility",
    "referral_routes",
    "starts_on",
    "ends_on",
    "url",
    "description",
)
REQUIRED = ("name", "provider", "commissioning_level", "lead_sector")
SEPARATOR = "|"
MAX_PROBLEMS = 25
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A schematic of the nine Places (not to scale): column, row on a 4 × 3 grid, roughly where each
# lies, so the map reads left-to-right from the Wirral to Cheshire East.
MAP_GRID = {
    "wirral": (0, 1),
    "sefton": (1, 0),
    "liverpool": (1, 1),
    "knowsley": (2, 1),
    "st-helens": (2, 0),
    "halton": (2, 2),
    "warrington": (3, 1),
    "cheshire-west-and-chester": (1, 2),
    "cheshire-east": (3, 2),
}


# --- Filtering and the coverage matrix ----------------------------------------------------------


def programmes(sector: str = "", level: str = ""):
    queryset = Programme.objects.prefetch_related("places", "cohorts")
    if sector:
        queryset = queryset.filter(lead_sector=sector)
    if level:
        queryset = queryset.filter(commissioning_level=level)
    return queryset


@dataclass
class CoverageCell:
    place: Place
    programmes: list[Programme]

    @property
    def count(self) -> int:
        return len(self.programmes)

    @property
    def state(self) -> str:
        return "gap" if self.count == 0 else ("overlap" if self.count >= 2 else "covered")


@dataclass
class CoverageRow:
    cohort: Cohort
    cells: list[CoverageCell]

    @property
    def gaps(self) -> int:
        return sum(cell.state == "gap" for cell in self.cells)


@dataclass
class Coverage:
    places: list[Place]
    rows: list[CoverageRow]
    gaps: int = 0
    overlaps: int = 0


def coverage(sector: str = "", level: str = "") -> Coverage:
    """For every cohort and Place, the programmes (of the chosen sector and level) serving it."""
    places = list(Place.objects.all())
    cohorts = list(
        Cohort.objects.prefetch_related(
            Prefetch("programmes", queryset=programmes(sector, level), to_attr="chosen")
        )
    )
    rows = []
    for cohort in cohorts:
        cells = []
        for place in places:
            serving = [p for p in cohort.chosen if place in p.places.all()]
            cells.append(CoverageCell(place, serving))
        rows.append(CoverageRow(cohort, cells))
    cells = [cell for row in rows for cell in row.cells]
    return Coverage(
        places=places,
        rows=rows,
        gaps=sum(cell.state == "gap" for cell in cells),
        overlaps=sum(cell.state == "overlap" for cell in cells),
    )


def place_map(sector: str = "", level: str = "") -> list[dict]:
    """The nine Places with their programme counts and positions on the schematic map."""
    chosen = list(programmes(sector, level))
    spots = []
    for index, place in enumerate(Place.objects.all()):
        column, row = MAP_GRID.get(place.key, (index % 4, 3 + index // 4))
        count = sum(1 for p in chosen if place in p.places.all())
        spots.append(
            {
                "place": place,
                "count": count,
                "x": 10 + column * 190,
                "y": 10 + row * 110,
            }
        )
    return spots


# --- Export ---------------------------------------------------------------------------------------


def _safe(value) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def export_csv(queryset=None) -> str:
    queryset = programmes() if queryset is None else queryset
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for p in queryset:
        writer.writerow(
            [
                _safe(value)
                for value in (
                    p.key,
                    p.name,
                    p.provider_name,
                    SEPARATOR.join(place.key for place in p.places.all()),
                    p.commissioning_level,
                    p.lead_sector,
                    p.funding_stream,
                    SEPARATOR.join(c.key for c in p.cohorts.all()),
                    p.eligibility,
                    p.referral_routes,
                    p.starts_on.isoformat() if p.starts_on else "",
                    p.ends_on.isoformat() if p.ends_on else "",
                    p.url,
                    p.description,
                )
            ]
        )
    return out.getvalue()


# --- Import ---------------------------------------------------------------------------------------


class ServiceMapImportError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ProgrammeRow:
    key: str
    name: str
    provider: str
    places: list[str]
    commissioning_level: str
    lead_sector: str
    funding_stream: str = ""
    cohorts: list[str] = field(default_factory=list)
    eligibility: str = ""
    referral_routes: str = ""
    starts_on: str = ""
    ends_on: str = ""
    url: str = ""
    description: str = ""
    exists: bool = False

    def as_json(self) -> dict:
        return asdict(self)


def _lookup(model, *fields) -> dict[str, str]:
    found = {}
    for values in model.objects.values_list("key", *fields):
        for alias in values:
            found[str(alias).strip().lower()] = values[0]
    return found


def _date(raw: str, number: int, column: str, problems: list[str]) -> str:
    if not raw:
        return ""
    try:
        return datetime.date.fromisoformat(raw).isoformat()
    except ValueError:
        problems.append(f"Row {number}, column {column}: “{raw}” is not a date like 2025-04-01.")
        return ""


def parse_csv(data: bytes) -> list[ProgrammeRow]:
    """Rows of a programmes CSV, every problem named by row and column; raises
    ServiceMapImportError if there is any problem, so nothing partial is ever imported."""
    try:
        header, records = read_csv_table(data)
    except UploadError as error:
        raise ServiceMapImportError([str(error)]) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ServiceMapImportError(
            [
                f"The file is missing the columns {', '.join(missing)}. "
                f"Columns: {', '.join(COLUMNS)}."
            ]
        )
    places, cohorts = _lookup(Place, "name", "ons_code"), _lookup(Cohort, "name")
    levels, sectors = set(Programme.Level.values), set(Programme.Sector.values)
    existing = set(Programme.objects.values_list("key", flat=True))
    problems: list[str] = []
    rows, keys = [], {}
    for number, raw in enumerate(records, start=2):
        cell = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        cell = {
            c: v[1:] if v.startswith("'=") or v.startswith("'+") else v for c, v in cell.items()
        }
        for column in REQUIRED:
            if not cell[column]:
                problems.append(f"Row {number}, column {column}: this cannot be empty.")
        if cell["commissioning_level"] and cell["commissioning_level"].lower() not in levels:
            problems.append(
                f"Row {number}, column commissioning_level: “{cell['commissioning_level']}” "
                f"should be one of {', '.join(sorted(levels))}."
            )
        if cell["lead_sector"] and cell["lead_sector"].lower() not in sectors:
            problems.append(
                f"Row {number}, column lead_sector: “{cell['lead_sector']}” should be one of "
                f"{', '.join(sorted(sectors))}."
            )
        row_places, row_cohorts = [], []
        for column, lookup, found in (
            ("places", places, row_places),
            ("cohorts", cohorts, row_cohorts),
        ):
            for name in filter(None, (n.strip() for n in cell[column].split(SEPARATOR))):
                if name.lower() in lookup:
                    found.append(lookup[name.lower()])
                else:
                    kind = "Place" if column == "places" else "cohort"
                    problems.append(f"Row {number}, column {column}: “{name}” is not a {kind}.")
        if cell["url"] and not cell["url"].startswith(("https://", "http://")):
            problems.append(f"Row {number}, column url: links must start with https://.")
        key = slugify(cell["key"] or cell["name"])[:80]
        if key in RESERVED_KEYS:
            problems.append(
                f"Row {number}, column key: “{key}” is a word the service map's own pages use; "
                "give the programme another key."
            )
        if key in keys:
            problems.append(f"Row {number} has the same key as row {keys[key]} ({key}).")
        keys[key] = number
        rows.append(
            ProgrammeRow(
                key=key,
                name=cell["name"][:200],
                provider=cell["provider"][:200],
                places=row_places,
                commissioning_level=cell["commissioning_level"].lower(),
                lead_sector=cell["lead_sector"].lower(),
                funding_stream=cell["funding_stream"][:200],
                cohorts=row_cohorts,
                eligibility=cell["eligibility"],
                referral_routes=cell["referral_routes"],
                starts_on=_date(cell["starts_on"], number, "starts_on", problems),
                ends_on=_date(cell["ends_on"], number, "ends_on", problems),
                url=cell["url"],
                description=cell["description"],
                exists=key in existing,
            )
        )
    if not rows and not problems:
        problems.append("The file has a header row but no programmes.")
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        problems = problems[:MAX_PROBLEMS] + ([f"…and {extra} more problems."] if extra > 0 else [])
        raise ServiceMapImportError(problems)
    return rows


@transaction.atomic
def apply_import(rows: list[ProgrammeRow]) -> tuple[int, int]:
    """Create or update every row (matched on key), all or nothing. Returns (added, updated)."""
    places = {p.key: p for p in Place.objects.all()}
    cohorts = {c.key: c for c in Cohort.objects.all()}
    added = updated = 0
    for row in rows:
        programme, created = Programme.objects.update_or_create(
            key=row.key,
            defaults={
                "name": row.name,
                "provider_name": row.provider,
                "commissioning_level": row.commissioning_level,
                "lead_sector": row.lead_sector,
                "funding_stream": row.funding_stream,
                "eligibility": row.eligibility,
                "referral_routes": row.referral_routes,
                "starts_on": row.starts_on or None,
                "ends_on": row.ends_on or None,
                "url": row.url,
                "description": row.description,
            },
        )
        programme.places.set([places[k] for k in row.places])
        programme.cohorts.set([cohorts[k] for k in row.cohorts])
        added, updated = added + created, updated + (not created)
    return added, updated
