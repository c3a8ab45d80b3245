"""Editing the decision instruments beyond the first build: assessment history, deleting a
programme safely, and unique keys for options and criteria added by hand."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from ..models import Assessment, AssessmentRevision, Programme

# Keys that would clash with a URL beside the object's own ("options/add/", "services/import/").
RESERVED_KEYS = frozenset({"add", "coverage", "export", "import"})


def unique_key(model, text: str, fallback: str, max_length: int = 70) -> str:
    """A slug for `text` that no row of `model` uses yet ("name", "name-2", ...)."""
    base = slugify(text)[:max_length] or fallback
    key, n = base, 1
    while key in RESERVED_KEYS or model.objects.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def assessment_snapshot(assessment: Assessment) -> dict:
    """What an assessment says right now, in a form that survives later edits to its links."""
    return {
        "rating": assessment.rating,
        "narrative": assessment.narrative,
        "themes": sorted(t.label for t in assessment.themes.all()),
        "best_practice": sorted(b.title for b in assessment.best_practice.all()),
        "quotes": sorted(assessment.quotes.values_list("pk", flat=True)),
        "documents": list(assessment.documents or []),
    }


@transaction.atomic
def record_revision(assessment: Assessment, user) -> AssessmentRevision:
    """Keep the assessment as just saved, numbered after the ones before it."""
    # Lock the assessment so two saves at once cannot take the same number.
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    number = (assessment.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    return AssessmentRevision.objects.create(
        assessment=assessment,
        number=number,
        rating=assessment.rating,
        snapshot=assessment_snapshot(assessment),
        saved_by=user,
    )


def programme_history(programme: Programme) -> list[AssessmentRevision]:
    """Every saved version of every assessment of `programme`, newest first."""
    return list(
        AssessmentRevision.objects.filter(assessment__programme=programme)
        .select_related("assessment__question", "saved_by")
        .order_by("-saved_at", "-number")
    )


@transaction.atomic
def delete_programme(programme: Programme) -> dict[str, int]:
    """Delete a programme and, explicitly, its assessments and their history (the caller has
    shown the person what goes with it). Returns how many of each were deleted."""
    assessments = Assessment.objects.filter(programme=programme)
    counts = {
        "assessments": assessments.count(),
        "revisions": AssessmentRevision.objects.filter(assessment__in=assessments).count(),
    }
    AssessmentRevision.objects.filter(assessment__in=assessments).delete()
    assessments.delete()
    programme.delete()
    return counts
