"""Double coding: two people code the same random sample independently, and we measure how far
they agree (Cohen's kappa per theme, Krippendorff's alpha overall) and how well the machine's
suggestions match people's final codes (F1 with a bootstrap confidence interval).

Small samples give numbers that mean little, so every figure comes with a plain "too few to
judge" instead when the sample cannot support it: fewer than `MIN_SEGMENTS` segments coded by
both people (or settled by people, for the machine), or a theme with fewer than
`MIN_POSITIVES` segments coded with it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import transaction

from engagement.services.audit import audit_record

from ..filters import apply_filter
from ..models import Code, DoubleCodingSample, SampleCoding, Segment, Theme
from ..permissions import can_review_codes

MIN_SEGMENTS = 30
MIN_POSITIVES = 5
BOOTSTRAP_RESAMPLES = 1000
STRATA = {"stakeholder_group": "stakeholder_group", "source_type": "source_type", "place": "place"}
TOO_FEW = "too few to judge"


class SampleError(Exception):
    """A sample cannot be made as asked; the message says why and what would work."""


# -- making a sample ----------------------------------------------------------------------------


def _allocate(size: int, strata: dict, rng: random.Random) -> list[int]:
    """Take `size` ids across strata in proportion to their sizes (largest remainder)."""
    total = sum(len(ids) for ids in strata.values())
    quotas = {key: size * len(ids) / total for key, ids in strata.items()}
    counts = {key: int(q) for key, q in quotas.items()}
    left = size - sum(counts.values())
    by_remainder = sorted(quotas, key=lambda k: (-(quotas[k] - counts[k]), str(k)))
    for key in by_remainder[:left]:
        counts[key] += 1
    chosen: list[int] = []
    for key in sorted(strata, key=str):
        chosen.extend(rng.sample(strata[key], counts[key]))
    return chosen


@transaction.atomic
def sample_create(
    *,
    name: str,
    coder_a,
    coder_b,
    size: int,
    segment_filter: dict | None,
    stratify_by: str = "",
    created_by,
    seed: int | None = None,
) -> DoubleCodingSample:
    """Draw a random sample of in-analysis segments under a filter for two coders."""
    if coder_a == coder_b:
        raise SampleError("Choose two different people to code the sample.")
    if not (can_review_codes(coder_a) and can_review_codes(coder_b)):
        raise SampleError("Both coders must be associates or programme leads.")
    if stratify_by and stratify_by not in STRATA:
        raise SampleError("Choose how to stratify the sample from the list.")
    pool = apply_filter(Segment.objects.in_analysis(), segment_filter)
    column = STRATA.get(stratify_by, "pk")
    rows = sorted(set(pool.values_list("pk", column)))
    if not rows:
        raise SampleError("No segments match this filter.")
    if size > len(rows):
        raise SampleError(
            f"Only {len(rows)} segment{'s' if len(rows) != 1 else ''} match this filter: "
            f"choose {len(rows)} or fewer."
        )
    rng = random.Random(seed)
    if stratify_by:
        strata: dict = {}
        for pk, key in rows:
            strata.setdefault(key, []).append(pk)
        chosen = _allocate(size, strata, rng)
    else:
        chosen = rng.sample([pk for pk, _ in rows], size)
    sample = DoubleCodingSample.objects.create(
        name=name, coder_a=coder_a, coder_b=coder_b, created_by=created_by
    )
    sample.segments.set(chosen)
    audit_record(
        "double_coding.sample_created",
        actor=created_by,
        target=sample,
        segments=len(chosen),
        stratified_by=stratify_by or "none",
    )
    return sample


# -- coding a sample ----------------------------------------------------------------------------


def sample_segments(sample: DoubleCodingSample):
    """The sample's segments still in analysis (a withdrawn one leaves the sample's figures)."""
    return sample.segments.in_analysis().order_by("pk")


def next_for_coder(sample: DoubleCodingSample, coder) -> Segment | None:
    done = SampleCoding.objects.filter(sample=sample, coder=coder).values("segment_id")
    return sample_segments(sample).exclude(pk__in=done).first()


def coder_progress(sample: DoubleCodingSample) -> dict:
    """How many segments each coder has coded, of how many."""
    total = sample_segments(sample).count()
    in_sample = sample_segments(sample).values("pk")
    counts = dict.fromkeys((sample.coder_a_id, sample.coder_b_id), 0)
    for coder_id in counts:
        counts[coder_id] = SampleCoding.objects.filter(
            sample=sample, coder_id=coder_id, segment__in=in_sample
        ).count()
    return {"total": total, "a": counts[sample.coder_a_id], "b": counts[sample.coder_b_id]}


@transaction.atomic
def sample_code(sample: DoubleCodingSample, *, coder, segment: Segment, themes) -> SampleCoding:
    """Record (or change) one coder's themes for one segment of the sample."""
    if coder.pk not in (sample.coder_a_id, sample.coder_b_id):
        raise SampleError("Only the two people given this sample can code it.")
    coding, _ = SampleCoding.objects.get_or_create(sample=sample, coder=coder, segment=segment)
    coding.themes.set(themes)
    coding.save(update_fields=["coded_at"])
    return coding


# -- results ------------------------------------------------------------------------------------


@dataclass
class ThemeAgreement:
    theme: Theme
    coded_a: int
    coded_b: int
    positives: int  # segments at least one coder gave this theme
    agreement: float  # share of segments where the two agree on this theme
    kappa: float | None  # None: too few to judge
    machine_f1: float | None = None
    machine_support: int = 0

    @property
    def kappa_words(self) -> str:
        return kappa_words(self.kappa)


@dataclass
class MachineScore:
    segments: int
    micro_f1: tuple[float, float, float] | None = None  # estimate, low, high
    macro_f1: tuple[float, float, float] | None = None


@dataclass
class SampleResults:
    coded_by_both: int
    progress: dict
    themes: list[ThemeAgreement] = field(default_factory=list)
    alpha: float | None = None
    machine: MachineScore | None = None

    @property
    def enough(self) -> bool:
        return self.coded_by_both >= MIN_SEGMENTS


def kappa_words(value: float | None) -> str:
    """Landis and Koch's words for a kappa, so a number is not read on its own."""
    if value is None:
        return TOO_FEW
    for limit, words in ((0, "poor"), (0.2, "slight"), (0.4, "fair"), (0.6, "moderate")):
        if value <= limit:
            return words
    return "substantial" if value <= 0.8 else "almost perfect"


def sample_results(sample: DoubleCodingSample, *, resamples: int = BOOTSTRAP_RESAMPLES):
    from nlp.agreement import cohens_kappa, krippendorff_alpha

    in_sample = sample_segments(sample).values("pk")
    sets: dict[int, dict[int, set[int]]] = {sample.coder_a_id: {}, sample.coder_b_id: {}}
    codings = SampleCoding.objects.filter(sample=sample, segment__in=in_sample).prefetch_related(
        "themes"
    )
    for coding in codings:
        sets[coding.coder_id][coding.segment_id] = {t.pk for t in coding.themes.all()}
    a, b = sets[sample.coder_a_id], sets[sample.coder_b_id]
    both = sorted(a.keys() & b.keys())
    results = SampleResults(coded_by_both=len(both), progress=coder_progress(sample))

    used = set().union(*(a[s] | b[s] for s in both)) if both else set()
    machine = _machine_score(sample, resamples)
    results.machine = machine["score"]
    themes = Theme.objects.filter(pk__in=used | machine["themes"]).order_by("label")
    for theme in themes:
        col_a = [theme.pk in a[s] for s in both]
        col_b = [theme.pk in b[s] for s in both]
        positives = sum(x or y for x, y in zip(col_a, col_b, strict=True))
        judged = results.enough and positives >= MIN_POSITIVES
        per = machine["per_theme"].get(theme.key)
        results.themes.append(
            ThemeAgreement(
                theme=theme,
                coded_a=sum(col_a),
                coded_b=sum(col_b),
                positives=positives,
                agreement=(
                    sum(x == y for x, y in zip(col_a, col_b, strict=True)) / len(both)
                    if both
                    else 0.0
                ),
                kappa=cohens_kappa(col_a, col_b) if judged else None,
                machine_f1=per[0] if per and per[1] >= MIN_POSITIVES else None,
                machine_support=per[1] if per else 0,
            )
        )
    if results.enough and used:
        # Every (segment, theme) pair is a unit coded "applied / not applied" by each coder,
        # over the themes either coder used.
        units = [(t in a[s], t in b[s]) for s in both for t in sorted(used)]
        results.alpha = krippendorff_alpha(units)
    return results


def _machine_score(sample: DoubleCodingSample, resamples: int) -> dict:
    """The machine's suggestions against people's final (accepted) codes, on the sample's
    segments that people have settled (decided at least one code on)."""
    from nlp.metrics import bootstrap_ci, multilabel_report

    codes = Code.objects.filter(segment__in=sample_segments(sample).values("pk")).values_list(
        "segment_id", "theme_id", "theme__key", "origin", "status"
    )
    gold: dict[int, set[str]] = {}
    predicted: dict[int, set[str]] = {}
    settled: set[int] = set()
    theme_ids: set[int] = set()
    for segment_id, theme_id, key, origin, status in codes:
        if status in (Code.Status.ACCEPTED, Code.Status.REJECTED):
            settled.add(segment_id)
        if status == Code.Status.ACCEPTED:
            gold.setdefault(segment_id, set()).add(key)
            theme_ids.add(theme_id)
        if origin != Code.Origin.PERSON:
            predicted.setdefault(segment_id, set()).add(key)
            theme_ids.add(theme_id)
    ids = sorted(settled)
    score = MachineScore(segments=len(ids))
    out = {"score": score, "per_theme": {}, "themes": set()}
    if len(ids) < MIN_SEGMENTS:
        return out
    gold_rows = [sorted(gold.get(s, ())) for s in ids]
    pred_rows = [sorted(predicted.get(s, ())) for s in ids]
    labels = sorted({x for row in gold_rows + pred_rows for x in row})
    if not labels:
        return out
    report = multilabel_report(gold_rows, pred_rows, labels=labels)
    out["per_theme"] = {k: (v.f1, v.support) for k, v in report.per_label.items()}
    out["themes"] = theme_ids

    def micro(g, p):
        return multilabel_report(g, p, labels=labels).micro_f1

    def macro(g, p):
        return multilabel_report(g, p, labels=labels).macro_f1

    score.micro_f1 = bootstrap_ci(micro, gold_rows, pred_rows, n_resamples=resamples)
    score.macro_f1 = bootstrap_ci(macro, gold_rows, pred_rows, n_resamples=resamples)
    return out
