"""Options appraisal on the Django side: creating appraisals, recording scores (who, when),
computing stakeholder support from approved themes, and freezing versions. The arithmetic lives
in insights.services.appraisal."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from engagement.suppression import is_small, small_text

from ..models import (
    Appraisal,
    AppraisalScore,
    AppraisalVersion,
    AppraisalWeight,
    Code,
    Criterion,
    Option,
    Theme,
    in_analysis_q,
)
from . import appraisal as calc


@transaction.atomic
def create_appraisal(user, title: str, purpose: str, options) -> Appraisal:
    """A new appraisal with every criterion at its default weight."""
    appraisal = Appraisal.objects.create(title=title, purpose=purpose, created_by=user)
    appraisal.options.set(options)
    AppraisalWeight.objects.bulk_create(
        AppraisalWeight(appraisal=appraisal, criterion=c, weight=c.default_weight)
        for c in Criterion.objects.all()
    )
    return appraisal


@transaction.atomic
def set_weights(appraisal: Appraisal, weights: dict[int, float]) -> None:
    """New weights by criterion id (checked first: at least one above zero, none negative)."""
    calc.normalise({str(k): v for k, v in weights.items()})
    for criterion_id, weight in weights.items():
        AppraisalWeight.objects.update_or_create(
            appraisal=appraisal, criterion_id=criterion_id, defaults={"weight": weight}
        )


@transaction.atomic
def record_score(
    appraisal, option, criterion, user, score: int, rationale: str = "", themes=(), url=""
) -> AppraisalScore:
    """Save a person's score, stamping who gave it and when (the version history keeps older
    scorers)."""
    if criterion.source != Criterion.Source.SCORED:
        raise ValueError("This criterion is computed, not scored.")
    if not 0 <= score <= calc.SCALE_MAX:
        raise ValueError(f"Scores run from 0 to {calc.SCALE_MAX}.")
    obj, _ = AppraisalScore.objects.update_or_create(
        appraisal=appraisal,
        option=option,
        criterion=criterion,
        defaults={
            "score": score,
            "rationale": rationale,
            "evidence_url": url,
            "scored_by": user,
            "scored_at": timezone.now(),
        },
    )
    obj.evidence_themes.set(themes)
    return obj


@dataclass
class Support:
    """Stakeholder support for one option: the share of people heard from whose accepted codes
    are on the option's approved themes, as a 0–5 score."""

    people: int
    heard_from: int

    @property
    def share(self) -> float:
        return self.people / self.heard_from if self.heard_from else 0.0

    @property
    def score(self) -> float:
        return round(calc.SCALE_MAX * self.share, 2)

    @property
    def text(self) -> str:
        if self.heard_from == 0:
            return "No accepted codes yet"
        if is_small(self.people):
            return f"{small_text()} people"
        return f"{self.share:.0%} of people heard from"

    @property
    def people_text(self) -> str:
        """How many distinct people back the option, small numbers suppressed."""
        if is_small(self.people):
            return f"{small_text()} people"
        return f"{self.people} {'person' if self.people == 1 else 'people'}"


def stakeholder_support(options) -> dict[int, Support]:
    """Support by option id, counting distinct people in segments still in analysis."""
    accepted = Code.objects.filter(
        in_analysis_q("segment__"),
        status=Code.Status.ACCEPTED,
        theme__status=Theme.Status.APPROVED,
    )
    heard_from = accepted.values("segment__person_key").distinct().count()
    result = {}
    for option in options:
        themes = [t.pk for t in option.themes.all() if t.status == Theme.Status.APPROVED]
        people = (
            accepted.filter(theme_id__in=themes).values("segment__person_key").distinct().count()
            if themes
            else 0
        )
        result[option.pk] = Support(people, heard_from)
    return result


@dataclass
class AppraisalState:
    """Everything an appraisal page or report shows, computed from the current rows."""

    options: list[Option]
    criteria: list[Criterion]
    weights: dict[str, float]  # by criterion key, as entered
    scores: dict[tuple[str, str], float]  # (option key, criterion key)
    score_rows: dict[tuple[str, str], AppraisalScore]
    support: dict[int, Support]
    result: calc.Sensitivity | None
    missing: list[tuple[Option, Criterion]]
    error: str = ""


def state(appraisal: Appraisal, draws: int = calc.DRAWS) -> AppraisalState:
    options = list(appraisal.options.prefetch_related("themes").order_by("pillar", "title"))
    weight_rows = list(appraisal.weights.select_related("criterion"))
    criteria = [w.criterion for w in weight_rows]
    weights = {w.criterion.key: w.weight for w in weight_rows}
    support = stakeholder_support(options)
    score_rows = {
        (s.option.key, s.criterion.key): s
        for s in appraisal.scores.select_related(
            "option", "criterion", "scored_by"
        ).prefetch_related("evidence_themes")
    }
    scores: dict[tuple[str, str], float] = {k: float(s.score) for k, s in score_rows.items()}
    missing = []
    for option in options:
        for criterion in criteria:
            if criterion.source == Criterion.Source.STAKEHOLDER_SUPPORT:
                scores[(option.key, criterion.key)] = support[option.pk].score
            elif (option.key, criterion.key) not in scores:
                missing.append((option, criterion))
    inputs = [calc.CriterionInput(c.key, weights[c.key], c.direction) for c in criteria]
    result, error = None, ""
    if options and criteria:
        try:
            result = calc.sensitivity([o.key for o in options], inputs, scores, draws=draws)
        except ValueError as problem:
            error = str(problem)
    return AppraisalState(
        options, criteria, weights, scores, score_rows, support, result, missing, error
    )


def snapshot(appraisal: Appraisal, current: AppraisalState) -> dict:
    """A JSON copy of the appraisal as it stands: weights, scores with scorer and time, result."""
    result = current.result
    return {
        "title": appraisal.title,
        "options": [{"key": o.key, "title": o.title} for o in current.options],
        "criteria": [
            {
                "key": c.key,
                "name": c.name,
                "direction": c.direction,
                "source": c.source,
                "weight": current.weights[c.key],
            }
            for c in current.criteria
        ],
        "scores": [
            {
                "option": option_key,
                "criterion": criterion_key,
                "score": value,
                "rationale": row.rationale if row else "",
                "scored_by": (row.scored_by.get_full_name() or row.scored_by.email)
                if row and row.scored_by
                else ("computed" if not row else ""),
                "scored_at": row.scored_at.isoformat() if row else "",
                "evidence_themes": sorted(t.label for t in row.evidence_themes.all())
                if row
                else [],
                "evidence_url": row.evidence_url if row else "",
            }
            for (option_key, criterion_key), value in sorted(current.scores.items())
            for row in [current.score_rows.get((option_key, criterion_key))]
        ],
        "ranking": asdict(result.base) if result else None,
        "monte_carlo": asdict(result.monte_carlo) if result and result.monte_carlo else None,
        "one_at_a_time": [asdict(run) for run in result.one_at_a_time] if result else [],
    }


@transaction.atomic
def freeze_version(appraisal: Appraisal, user, note: str = "") -> AppraisalVersion:
    current = state(appraisal)
    if current.error:
        raise ValueError(current.error)
    Appraisal.objects.select_for_update().filter(pk=appraisal.pk).first()
    number = (appraisal.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return AppraisalVersion.objects.create(
        appraisal=appraisal,
        number=number,
        note=note,
        snapshot=snapshot(appraisal, current),
        created_by=user,
    )
