"""Loading the seven core questions and the starter codebook from YAML, idempotently: rows are
matched on `key` and left alone when present, so programme leads' edits survive."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from engagement.services.reference import LoadReport, read_yaml

from ..models import CoreQuestion, Theme
from .codebook import codebook_version_after_reference_load

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference_data"


@transaction.atomic
def load_questions_and_codebook(directory: Path = REFERENCE_DIR) -> LoadReport:
    report = LoadReport()
    questions = {}
    for row in read_yaml(directory / "core_questions.yaml")["core_questions"]:
        obj, created = CoreQuestion.objects.get_or_create(
            key=row["key"],
            defaults={
                "number": row["number"],
                "short_title": row["short_title"],
                "question": row["question"],
                "guidance": row.get("guidance", ""),
            },
        )
        questions[row["key"]] = obj
        report.count("core questions", created)

    codebook = read_yaml(directory / "codebook.yaml")["codebook"]
    order = 0

    def load_theme(row: dict, parent: Theme | None) -> None:
        nonlocal order
        order += 1
        theme, created = Theme.objects.get_or_create(
            key=row["key"],
            defaults={
                "label": row["label"],
                "parent": parent,
                "kind": row.get("kind") or (parent.kind if parent else Theme.Kind.BARRIER),
                "definition": row["definition"],
                "include_notes": row.get("include", "") or "",
                "exclude_notes": row.get("exclude", "") or "",
                "key_phrases": list(row.get("key_phrases") or []),
                "examples": list(row.get("examples") or []),
                "status": Theme.Status.APPROVED,
                "origin": Theme.Origin.STARTER,
                "sort_order": order,
            },
        )
        report.count("themes", created)
        if created:
            keys = row.get("core_questions") or []
            theme.core_questions.set([questions[key] for key in keys if key in questions])
        for child in row.get("children") or []:
            load_theme(child, theme)

    for row in codebook["themes"]:
        load_theme(row, None)
    # Reports name the codebook version they used, so loading leaves one in place (version 1 on
    # a new install; a new version only when this load added starter themes).
    codebook_version_after_reference_load(report.created.get("themes", 0))
    return report
