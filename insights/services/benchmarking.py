"""Benchmarking programmes against the seven core questions.

An assessment's rating is a person's judgement; the evidence *suggested* for it is computed:
approved themes mapped to the question, each with how many distinct people (by stakeholder group)
have an accepted code on it in segments still in analysis. Counts of people pass through
small-number suppression before they are shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from engagement.models import Place, SubRegion
from engagement.models.stakeholders import StakeholderGroup
from engagement.suppression import Cell, suppress

from ..models import Assessment, Code, CoreQuestion, Programme, Theme, in_analysis_q

RATING_ORDER = [r.value for r in Assessment.Rating]
# Each rating has a text, a colour class and a pattern class: colour is never the only signal.
RATING_STYLE = {
    "strong": {"symbol": "●●●", "css": "app-rating--strong"},
    "partial": {"symbol": "●●○", "css": "app-rating--partial"},
    "weak": {"symbol": "●○○", "css": "app-rating--weak"},
    "none": {"symbol": "—", "css": "app-rating--none"},
}


@dataclass
class SuggestedTheme:
    theme: Theme
    people: Cell
    by_group: list[tuple[str, Cell]]


def suggested_evidence(question: CoreQuestion) -> list[SuggestedTheme]:
    """Approved themes mapped to `question`, with distinct people by stakeholder group."""
    themes = list(
        Theme.objects.filter(status=Theme.Status.APPROVED, core_questions=question).order_by(
            "sort_order", "label"
        )
    )
    accepted = Code.objects.filter(
        in_analysis_q("segment__"), status=Code.Status.ACCEPTED, theme__in=themes
    )
    per_group = (
        accepted.values("theme_id", "segment__stakeholder_group")
        .annotate(people=Count("segment__person_key", distinct=True))
        .order_by()
    )
    per_theme = dict(
        accepted.values("theme_id")
        .annotate(people=Count("segment__person_key", distinct=True))
        .order_by()
        .values_list("theme_id", "people")
    )
    groups: dict[int, dict[str, int]] = defaultdict(dict)
    for row in per_group:
        groups[row["theme_id"]][row["segment__stakeholder_group"]] = row["people"]
    labels = dict(StakeholderGroup.choices)
    result = []
    for theme in themes:
        values = {("group", g): n for g, n in groups[theme.pk].items()}
        values["total"] = per_theme.get(theme.pk, 0)
        status = suppress(values, groups=[([k for k in values if k != "total"], "total")])
        result.append(
            SuggestedTheme(
                theme=theme,
                people=Cell.of(values["total"], status["total"]),
                by_group=[
                    (labels.get(key[1], key[1]), Cell.of(n, status[key]))
                    for key, n in sorted(values.items(), key=lambda kv: str(kv[0]))
                    if key != "total"
                ],
            )
        )
    return result


def programmes_in(area: str = "") -> list[Programme]:
    """Programmes serving a Place ("place:<key>") or a sub-region ("sub-region:<key>")."""
    queryset = Programme.objects.prefetch_related("places")
    kind, _, key = area.partition(":")
    if kind == "place":
        queryset = queryset.filter(places__key=key)
    elif kind == "sub-region":
        queryset = queryset.filter(places__sub_region__key=key)
    return list(queryset.distinct().order_by("name"))


def area_choices() -> list[tuple[str, str]]:
    return (
        [("", "All Places")]
        + [(f"sub-region:{s.key}", s.name) for s in SubRegion.objects.all()]
        + [(f"place:{p.key}", p.name) for p in Place.objects.all()]
    )


@dataclass
class HeatmapRow:
    programme: Programme
    cells: list[dict]


def heatmap(programme_list: list[Programme]) -> tuple[list[CoreQuestion], list[HeatmapRow]]:
    """Programme × question ratings; a question not yet assessed reads as "no evidence"."""
    questions = list(CoreQuestion.objects.all())
    assessments = {
        (a.programme_id, a.question_id): a
        for a in Assessment.objects.filter(programme__in=programme_list)
    }
    labels = dict(Assessment.Rating.choices)
    rows = []
    for programme in programme_list:
        cells = []
        for question in questions:
            assessment = assessments.get((programme.pk, question.pk))
            rating = assessment.rating if assessment else Assessment.Rating.NONE
            cells.append(
                {
                    "question": question,
                    "assessment": assessment,
                    "rating": rating,
                    "label": labels[rating],
                    **RATING_STYLE[rating],
                }
            )
        rows.append(HeatmapRow(programme, cells))
    return questions, rows


def rating_summary(rows: list[HeatmapRow]) -> dict[str, int]:
    """How many programme × question cells have each rating (for the report's opening line)."""
    summary = dict.fromkeys(RATING_ORDER, 0)
    for row in rows:
        for cell in row.cells:
            summary[cell["rating"]] += 1
    return summary


def clean_documents(text: str) -> tuple[list[dict], list[str]]:
    """Documents typed one a line as "Title | https://link": (documents, problems)."""
    documents, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        title, _, url = (
            (part.strip() for part in line.rpartition("|"))
            if "|" in line
            else (
                line,
                "",
                "",
            )
        )
        if not url.startswith(("https://", "http://")):
            problems.append(f"Line {number}: put the title, a “|”, then a link starting https://.")
            continue
        documents.append({"title": title or url, "url": url})
    return documents, problems


def documents_text(documents: list[dict]) -> str:
    return "\n".join(f"{d.get('title', '')} | {d.get('url', '')}" for d in documents)
