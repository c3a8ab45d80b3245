"""Reading equity-audit uploads: a census reference CSV and a service-client extract CSV.

Every problem is collected with its row and column so the person can fix the file in one go; a
file with any problem saves nothing. Client extracts are reduced to counts (and, when they have
an outcome column, to a fitted model's odds ratios) straight away: client rows are never stored.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from engagement.models import Place
from engagement.suppression import threshold
from engagement.uploads import RowProblems, UploadError, read_csv_table

from ..models import CensusReference, ClientExtract
from .equity import DIMENSIONS

CENSUS_COLUMNS = ("place", "dimension", "group", "count")
EXTRACT_DIMENSIONS = tuple(DIMENSIONS)
OUTCOME_VALUES = {"1": 1, "0": 0, "yes": 1, "no": 0, "true": 1, "false": 0, "y": 1, "n": 0}
MAX_PROBLEMS = 25
MAX_BYTES = 5 * 1024 * 1024


class EquityUploadError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class _Problems(RowProblems):
    def __init__(self):
        super().__init__(MAX_PROBLEMS)

    def raise_any(self) -> None:
        if self.items:
            raise EquityUploadError(self.items)


def _reader(data: bytes) -> tuple[list[str], list[dict]]:
    if len(data) > MAX_BYTES:
        raise EquityUploadError(["The file is larger than 5 MB."])
    try:
        header, rows = read_csv_table(data)
    except UploadError as error:
        raise EquityUploadError([str(error)]) from None
    if not header:
        raise EquityUploadError(["The file is empty: it needs a header row."])
    if not rows:
        raise EquityUploadError(["The file has a header row but no data rows."])
    return header, rows


def _place_lookup() -> dict[str, str]:
    """Places by key, name or ONS code (case-insensitive), to their key."""
    lookup = {}
    for key, name, code in Place.objects.values_list("key", "name", "ons_code"):
        for alias in (key, name, code):
            lookup[alias.strip().lower()] = key
    return lookup


def _group(dimension: str, raw: str) -> str | None:
    """The group's stored value, matched on value or label; None when unknown."""
    raw = raw.strip()
    for value, label in DIMENSIONS[dimension][1].items():
        if raw.lower() in (value.lower(), label.lower()):
            return value
    return None


def parse_census(data: bytes) -> list[dict]:
    """Rows of `place, dimension, group, count` as count dicts; EquityUploadError otherwise."""
    header, rows = _reader(data)
    missing = [c for c in CENSUS_COLUMNS if c not in header]
    if missing:
        raise EquityUploadError(
            [
                f"The file is missing the column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}. It needs: {', '.join(CENSUS_COLUMNS)}."
            ]
        )
    places, problems = _place_lookup(), _Problems()
    seen: dict[tuple, int] = {}
    counts = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        place = places.get((row.get("place") or "").strip().lower())
        if place is None:
            problems.add(f"Row {number}, column place: “{row.get('place', '')}” is not a Place.")
        dimension = (row.get("dimension") or "").strip().lower().replace(" ", "_")
        group = None
        if dimension not in DIMENSIONS:
            problems.add(
                f"Row {number}, column dimension: “{row.get('dimension', '')}” should be one of "
                f"{', '.join(DIMENSIONS)}."
            )
        else:
            group = _group(dimension, row.get("group") or "")
            if group is None:
                problems.add(
                    f"Row {number}, column group: “{row.get('group', '')}” is not a "
                    f"{DIMENSIONS[dimension][0].lower()} group."
                )
        raw_count = (row.get("count") or "").strip().replace(",", "")
        if not raw_count.isdigit():
            problems.add(
                f"Row {number}, column count: “{row.get('count', '')}” is not a whole number."
            )
            continue
        if place and group:
            key = (place, dimension, group)
            if key in seen:
                problems.add(
                    f"Row {number} repeats row {seen[key]} (same place, dimension, group)."
                )
            seen[key] = number
            counts.append(
                {"place": place, "dimension": dimension, "group": group, "count": int(raw_count)}
            )
    problems.raise_any()
    return counts


@dataclass
class Extract:
    counts: list[dict]
    clients: int
    records: list[dict]  # cleaned client rows, for the model only: never stored
    has_outcome: bool


def parse_extract(data: bytes) -> Extract:
    """One client a row: `place` plus any of age_band, sex, ethnicity, deprivation_decile, and an
    optional `outcome` (1/0, yes/no). Blank demographic cells mean "not known"."""
    header, rows = _reader(data)
    dimensions = [c for c in EXTRACT_DIMENSIONS if c in header]
    if "place" not in header or not dimensions:
        raise EquityUploadError(
            [
                "The file needs a place column and at least one of "
                f"{', '.join(EXTRACT_DIMENSIONS)} (optional: outcome). "
                f"It has: {', '.join(header)}."
            ]
        )
    has_outcome = "outcome" in header
    places, problems = _place_lookup(), _Problems()
    counter: Counter = Counter()
    records = []
    for number, row in enumerate(rows, start=2):
        place = places.get((row.get("place") or "").strip().lower())
        if place is None:
            problems.add(f"Row {number}, column place: “{row.get('place', '')}” is not a Place.")
        record = {"place": place}
        for dimension in dimensions:
            raw = (row.get(dimension) or "").strip()
            if not raw:
                record[dimension] = None
                continue
            group = _group(dimension, raw)
            if group is None:
                problems.add(
                    f"Row {number}, column {dimension}: “{raw}” is not a "
                    f"{DIMENSIONS[dimension][0].lower()} group."
                )
            record[dimension] = group
        if has_outcome:
            raw = (row.get("outcome") or "").strip().lower()
            if raw and raw not in OUTCOME_VALUES:
                problems.add(f"Row {number}, column outcome: “{raw}” should be 1 or 0 (yes or no).")
            record["outcome"] = OUTCOME_VALUES.get(raw)
        records.append(record)
        for dimension in dimensions:
            if place and record[dimension]:
                counter[(place, dimension, record[dimension])] += 1
    problems.raise_any()
    counts = [
        {"place": p, "dimension": d, "group": g, "count": n}
        for (p, d, g), n in sorted(counter.items())
    ]
    return Extract(counts, len(records), records, has_outcome)


# --- Logistic regression of the outcome on demographic factors ---------------------------------

CAVEATS = [
    "An odds ratio compares the odds of a successful outcome for a group with the odds for the "
    "reference group, with the other factors in the model held level. Above 1 means higher odds.",
    "It shows association, not cause: factors not in the extract (health, caring, how people were "
    "referred) may explain a difference.",
    "Intervals that include 1 are consistent with no difference at all.",
    "Groups with fewer clients than the small-number threshold were left out of the model, so "
    "their outcomes are not compared here.",
]


def fit_outcome_model(records: list[dict]) -> dict:
    """Logistic regression of outcome on each demographic factor (categorical, most common group
    as the reference). Returns {"terms": [...], "n": ..., "caveats": [...]} or {"error": text}."""
    import numpy as np
    import pandas as pd
    import statsmodels.api as sm

    limit = threshold()
    rows = [r for r in records if r.get("outcome") is not None]
    factors = [d for d in EXTRACT_DIMENSIONS if any(r.get(d) for r in rows)]
    if not factors:
        return {"error": "The extract has no demographic columns filled in to model."}
    rows = [r for r in rows if all(r.get(d) for d in factors)]
    frame = pd.DataFrame(rows, columns=[*factors, "outcome"])
    for factor in factors:  # leave out groups too small to report
        sizes = frame[factor].value_counts()
        frame = frame[frame[factor].isin(sizes[sizes >= limit].index)]
    outcomes = frame["outcome"].value_counts()
    if len(frame) < 30 or outcomes.get(1, 0) < limit or outcomes.get(0, 0) < limit:
        return {
            "error": "Too few clients with a known outcome (and enough successes and non-"
            "successes) to fit a model: at least 30 are needed."
        }
    references = {factor: frame[factor].value_counts().idxmax() for factor in factors}
    design = pd.get_dummies(frame[factors].astype(str), drop_first=False, dtype=float)
    design = design.drop(columns=[f"{f}_{references[f]}" for f in factors])
    design = design.loc[:, design.sum() > 0]
    design.insert(0, "const", 1.0)
    try:
        fitted = sm.Logit(frame["outcome"].astype(float), design).fit(disp=0, maxiter=200)
        intervals = fitted.conf_int()
    except Exception as error:  # statsmodels raises many kinds for a bad fit
        return {"error": f"The model could not be fitted ({type(error).__name__})."}
    terms = []
    for column in design.columns[1:]:
        factor = next(f for f in factors if column.startswith(f + "_"))
        group = column[len(factor) + 1 :]
        lower, upper = intervals.loc[column]
        estimate = fitted.params[column]
        if not all(math.isfinite(v) for v in (estimate, lower, upper)) or abs(estimate) > 20:
            return {"error": "The model did not settle (a group's outcomes were all the same)."}
        terms.append(
            {
                "factor": DIMENSIONS[factor][0],
                "group": DIMENSIONS[factor][1].get(group, group),
                "reference": DIMENSIONS[factor][1].get(references[factor], references[factor]),
                "odds_ratio": float(np.exp(estimate)),
                "lower": float(np.exp(lower)),
                "upper": float(np.exp(upper)),
                "p_value": float(fitted.pvalues[column]),
            }
        )
    return {"n": len(frame), "terms": terms, "caveats": CAVEATS}


# --- Saving ---------------------------------------------------------------------------------------


@transaction.atomic
def save_census(user, name: str, source: str, data: bytes) -> CensusReference:
    counts = parse_census(data)
    return CensusReference.objects.create(name=name, source=source, counts=counts, uploaded_by=user)


@transaction.atomic
def save_extract(user, name: str, data: bytes) -> ClientExtract:
    extract = parse_extract(data)
    model = fit_outcome_model(extract.records) if extract.has_outcome else {}
    return ClientExtract.objects.create(
        name=name,
        counts=extract.counts,
        clients=extract.clients,
        model=model,
        uploaded_by=user,
    )
