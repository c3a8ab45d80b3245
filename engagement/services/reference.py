"""Loading the editable reference data (Places, cohorts, access features) from YAML.

Loading is idempotent: rows are matched on their stable `key`, created when missing and left
alone when present, so edits made by programme leads are not overwritten on the next run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from ..models import AccessFeature, Cohort, ConsentStatement, Place, SubRegion

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference_data"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.existing
        bucket[kind] = bucket.get(kind, 0) + 1

    def merge(self, other: LoadReport) -> LoadReport:
        for kind, n in other.created.items():
            self.created[kind] = self.created.get(kind, 0) + n
        for kind, n in other.existing.items():
            self.existing[kind] = self.existing.get(kind, 0) + n
        return self

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.existing))
        return ", ".join(
            f"{kind}: {self.created.get(kind, 0)} new, {self.existing.get(kind, 0)} kept"
            for kind in kinds
        )


def read_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} should contain a mapping at the top level.")
    return data


@transaction.atomic
def load_geography_and_cohorts(directory: Path = REFERENCE_DIR) -> LoadReport:
    report = LoadReport()
    places = read_yaml(directory / "places.yaml")
    sub_regions = {}
    for row in places["sub_regions"]:
        obj, created = SubRegion.objects.get_or_create(
            key=row["key"], defaults={"name": row["name"]}
        )
        sub_regions[row["key"]] = obj
        report.count("sub-regions", created)
    for row in places["places"]:
        _, created = Place.objects.get_or_create(
            key=row["key"],
            defaults={
                "name": row["name"],
                "ons_code": row["ons_code"],
                "sub_region": sub_regions[row["sub_region"]],
            },
        )
        report.count("places", created)
    for row in read_yaml(directory / "cohorts.yaml")["cohorts"]:
        _, created = Cohort.objects.get_or_create(
            key=row["key"],
            defaults={"name": row["name"], "description": row.get("description", "")},
        )
        report.count("cohorts", created)
    for row in read_yaml(directory / "access_features.yaml")["access_features"]:
        _, created = AccessFeature.objects.get_or_create(
            key=row["key"], defaults={"name": row["name"]}
        )
        report.count("access features", created)
    for row in read_yaml(directory / "consent.yaml")["consent_statements"]:
        _, created = ConsentStatement.objects.get_or_create(
            purpose=row["purpose"],
            version=row["version"],
            defaults={"text": row["text"].strip(), "is_current": True},
        )
        report.count("consent statements", created)
    return report
