"""Loading the decision instruments' seed data (programmes, best-practice evidence, options,
criteria) from insights/decisions_reference/*.yaml, idempotently: rows are matched on `key` and
left alone when present, so programme leads' edits survive a reload."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from engagement.models import Cohort, Place
from engagement.services.reference import LoadReport, read_yaml

from ..models import BestPracticeEvidence, Criterion, Option, Programme

DECISIONS_DIR = Path(__file__).resolve().parent.parent / "decisions_reference"


@transaction.atomic
def load_decision_data(directory: Path = DECISIONS_DIR) -> LoadReport:
    report = LoadReport()
    places = {p.key: p for p in Place.objects.all()}
    cohorts = {c.key: c for c in Cohort.objects.all()}

    data = read_yaml(directory / "programmes.yaml")
    for row in data["programmes"]:
        programme, created = Programme.objects.get_or_create(
            key=row["key"],
            defaults={
                "name": row["name"],
                "provider_name": row["provider_name"],
                "description": row.get("description", ""),
                "commissioning_level": row["commissioning_level"],
                "lead_sector": row["lead_sector"],
                "funding_stream": row.get("funding_stream", ""),
                "eligibility": row.get("eligibility", ""),
                "referral_routes": row.get("referral_routes", ""),
                "starts_on": row.get("starts_on"),
                "url": row.get("url", ""),
            },
        )
        if created:
            programme.places.set([places[k] for k in row.get("places", []) if k in places])
            programme.cohorts.set([cohorts[k] for k in row.get("cohorts", []) if k in cohorts])
        report.count("programmes", created)
    for row in data.get("best_practice", []):
        _, created = BestPracticeEvidence.objects.get_or_create(
            key=row["key"],
            defaults={k: row.get(k, "") for k in ("title", "summary", "url")},
        )
        report.count("best-practice evidence", created)

    data = read_yaml(directory / "options.yaml")
    for row in data["options"]:
        option, created = Option.objects.get_or_create(
            key=row["key"],
            defaults={
                "pillar": row["pillar"],
                "title": row["title"],
                "description": row.get("description", ""),
            },
        )
        if created:
            option.cohorts.set([cohorts[k] for k in row.get("cohorts", []) if k in cohorts])
        report.count("options", created)
    for order, row in enumerate(data["criteria"], start=1):
        _, created = Criterion.objects.get_or_create(
            key=row["key"],
            defaults={
                "name": row["name"],
                "description": row.get("description", ""),
                "direction": row.get("direction", Criterion.Direction.BENEFIT),
                "source": row.get("source", Criterion.Source.SCORED),
                "default_weight": float(row.get("weight", 1)),
                "sort_order": order,
            },
        )
        report.count("criteria", created)
    return report
