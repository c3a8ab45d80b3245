"""How well the machine's suggestions match people, over time, and which themes need examples.

For the lead's model page. Each period runs from one training of the learned model to the next
(the first from the start): the segments people reviewed in it, what the machine had suggested
for them (rules, similarity or the learned model, whichever coded them) against the themes
people accepted. Beside it, the agreement between two people who coded the same segments
independently (double coding), on the same measure: a model cannot be expected to agree with
one person more than two people agree with each other."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max

from ..models import Code, DoubleCodingSample, SampleCoding, Segment, SuggesterModel, Theme
from .double_coding import MIN_SEGMENTS, sample_segments
from .training import STATUS_READY

# A theme with fewer accepted codes than this is listed as needing examples: the simulated
# reviewer (nlp.active.RARE_ENOUGH) keeps searching for such themes, and thresholds are only
# tuned per theme from five.
NEEDS_EXAMPLES = 10


@dataclass
class Period:
    """People's reviews between two trainings, and how the machine's suggestions matched them."""

    version: int | None  # the model trained at the start of the period; None before any
    start: datetime | None
    end: datetime | None
    segments: int
    micro_f1: float | None
    accepted_share: float | None  # share of the machine's suggestions people accepted


@dataclass
class PeopleAgreement:
    sample: DoubleCodingSample
    segments: int
    micro_f1: float


@dataclass
class ThemeNeed:
    theme: Theme
    codes: int


def agreement_over_time(limit: int = 12) -> list[Period]:
    """One `Period` per training (the most recent ``limit``), oldest first."""
    from nlp.metrics import multilabel_report

    starts = list(
        SuggesterModel.objects.filter(metrics__status=STATUS_READY)
        .order_by("created_at")
        .values_list("version", "created_at")
    )
    bounds = [(None, None), *starts]
    reviewed = _reviewed_segments()
    periods = []
    for i, (version, start) in enumerate(bounds):
        end = bounds[i + 1][1] if i + 1 < len(bounds) else None
        rows = [
            r
            for r in reviewed.values()
            if (start is None or r["at"] >= start) and (end is None or r["at"] < end)
        ]
        if not rows and version is None:
            continue
        if rows:
            report = multilabel_report([r["people"] for r in rows], [r["machine"] for r in rows])
            suggested = sum(len(r["machine"]) for r in rows)
            kept = sum(len(set(r["machine"]) & set(r["people"])) for r in rows)
            micro, share = report.micro_f1, (kept / suggested if suggested else None)
        else:
            micro = share = None
        periods.append(Period(version, start, end, len(rows), micro, share))
    return periods[-limit:]


def _reviewed_segments() -> dict[int, dict]:
    """Per segment people decided on after the machine suggested something: when they last
    decided, the machine's themes and the themes people accepted."""
    in_analysis = Segment.objects.in_analysis()
    decided_at = dict(
        Code.objects.filter(segment__in=in_analysis, decided_by__isnull=False)
        .values("segment_id")
        .annotate(at=Max("decided_at"))
        .values_list("segment_id", "at")
    )
    out: dict[int, dict] = {}
    codes = Code.objects.filter(segment_id__in=list(decided_at)).values_list(
        "segment_id", "theme__key", "origin", "status"
    )
    for segment_id, key, origin, status in codes.iterator(chunk_size=2000):
        row = out.setdefault(
            segment_id, {"at": decided_at[segment_id], "machine": [], "people": []}
        )
        if origin != Code.Origin.PERSON:
            row["machine"].append(key)
        if status == Code.Status.ACCEPTED:
            row["people"].append(key)
    return {pk: row for pk, row in out.items() if row["machine"] and row["at"] is not None}


def people_agreement() -> PeopleAgreement | None:
    """Micro-F1 between the two coders of the newest double-coding sample that has enough
    segments coded by both (it is symmetric: either coder can be taken as the reference)."""
    from nlp.metrics import multilabel_report

    for sample in DoubleCodingSample.objects.order_by("-created_at")[:5]:
        sets: dict[int, dict[int, list[str]]] = {sample.coder_a_id: {}, sample.coder_b_id: {}}
        codings = SampleCoding.objects.filter(
            sample=sample, segment__in=sample_segments(sample).values("pk")
        ).prefetch_related("themes")
        for coding in codings:
            sets[coding.coder_id][coding.segment_id] = [t.key for t in coding.themes.all()]
        a, b = sets[sample.coder_a_id], sets[sample.coder_b_id]
        both = sorted(a.keys() & b.keys())
        if len(both) >= MIN_SEGMENTS:
            report = multilabel_report([a[s] for s in both], [b[s] for s in both])
            return PeopleAgreement(sample, len(both), report.micro_f1)
    return None


def themes_needing_examples(counts: dict[str, int]) -> list[ThemeNeed]:
    """Approved themes (leaves of the codebook) with fewer than ``NEEDS_EXAMPLES`` accepted
    codes, fewest first. ``counts`` is accepted codes per theme key (training readiness)."""
    parents = set(
        Theme.objects.filter(status=Theme.Status.APPROVED, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    themes = Theme.objects.filter(status=Theme.Status.APPROVED).exclude(pk__in=parents)
    needs = [ThemeNeed(t, counts.get(t.key, 0)) for t in themes]
    return sorted(
        (n for n in needs if n.codes < NEEDS_EXAMPLES), key=lambda n: (n.codes, n.theme.label)
    )
