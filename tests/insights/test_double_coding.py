"""Double coding: drawing samples, independent coding, and agreement figures checked against
numbers worked out by hand."""

import pytest
from django.utils import timezone

from engagement.models import AuditEvent
from engagement.roles import Role
from insights.models import Code, SampleCoding
from insights.services.double_coding import (
    SampleError,
    kappa_words,
    next_for_coder,
    sample_code,
    sample_create,
    sample_results,
)
from tests.factories import UserFactory

from .review_support import make_codebook, make_segment, make_segments

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    return make_codebook()


@pytest.fixture
def coders(associate, lead):
    return associate, lead


def make_sample(coders, lead, n=40, **kwargs):
    make_segments(n)
    return sample_create(
        name="Spring sample",
        coder_a=coders[0],
        coder_b=coders[1],
        size=n,
        segment_filter={},
        created_by=lead,
        seed=1,
        **kwargs,
    )


def test_a_sample_is_a_random_draw_under_the_filter(coders, lead):
    residents = make_segments(30, stakeholder_group="resident")
    make_segments(10, stakeholder_group="employer")
    make_segment("withdrawn", withdrawn_at=timezone.now())
    sample = sample_create(
        name="Residents",
        coder_a=coders[0],
        coder_b=coders[1],
        size=12,
        segment_filter={"stakeholder_group": "resident"},
        created_by=lead,
        seed=3,
    )
    chosen = set(sample.segments.all())
    assert len(chosen) == 12 and chosen <= set(residents)
    event = AuditEvent.objects.get(action="double_coding.sample_created")
    assert event.actor == lead and event.detail == {"segments": 12, "stratified_by": "none"}


def test_a_stratified_sample_keeps_the_mix(coders, lead):
    make_segments(30, stakeholder_group="resident")
    make_segments(10, stakeholder_group="employer")
    sample = sample_create(
        name="Mixed",
        coder_a=coders[0],
        coder_b=coders[1],
        size=8,
        segment_filter={},
        stratify_by="stakeholder_group",
        created_by=lead,
        seed=5,
    )
    groups = list(sample.segments.values_list("stakeholder_group", flat=True))
    assert sorted(groups) == ["employer"] * 2 + ["resident"] * 6


def test_a_sample_cannot_be_larger_than_the_evidence(coders, lead):
    make_segments(4)
    with pytest.raises(SampleError, match="Only 4 segments match this filter: choose 4 or fewer"):
        sample_create(
            name="Too big",
            coder_a=coders[0],
            coder_b=coders[1],
            size=5,
            segment_filter={},
            created_by=lead,
        )
    with pytest.raises(SampleError, match="two different people"):
        sample_create(
            name="Same",
            coder_a=lead,
            coder_b=lead,
            size=1,
            segment_filter={},
            created_by=lead,
        )


def test_a_partner_cannot_be_a_coder(associate, partner, lead):
    make_segments(3)
    with pytest.raises(SampleError, match="associates or programme leads"):
        sample_create(
            name="No",
            coder_a=associate,
            coder_b=partner,
            size=2,
            segment_filter={},
            created_by=lead,
        )


def test_each_coder_works_through_their_own_segments(themes, coders, lead):
    sample = make_sample(coders, lead, n=3)
    a, b = coders
    first = next_for_coder(sample, a)
    sample_code(sample, coder=a, segment=first, themes=[themes["transport"]])
    assert next_for_coder(sample, a) != first
    assert next_for_coder(sample, b) == first  # b has coded nothing yet
    # Coding again replaces the coder's own themes.
    sample_code(sample, coder=a, segment=first, themes=[])
    coding = SampleCoding.objects.get(sample=sample, coder=a, segment=first)
    assert list(coding.themes.all()) == []
    outsider = UserFactory(roles=[Role.ASSOCIATE])
    with pytest.raises(SampleError, match="Only the two people"):
        sample_code(sample, coder=outsider, segment=first, themes=[])


def code_all(sample, coder, applied: dict):
    """Give each segment (by index in the sample) the themes in `applied`."""
    segments = list(sample.segments.order_by("pk"))
    for i, segment in enumerate(segments):
        sample_code(
            sample,
            coder=coder,
            segment=segment,
            themes=[theme for theme, indices in applied.items() if i in indices],
        )
    return segments


def test_kappa_and_alpha_match_figures_worked_out_by_hand(themes, coders, lead):
    sample = make_sample(coders, lead, n=40)
    t, u, v = themes["transport"], themes["childcare"], themes["anxiety"]
    code_all(sample, coders[0], {t: set(range(20)), u: set(range(10)), v: {0, 1, 2}})
    code_all(
        sample,
        coders[1],
        {t: set(range(15)) | set(range(20, 25)), u: set(range(10)), v: {0, 1, 2}},
    )
    results = sample_results(sample, resamples=50)
    assert results.coded_by_both == 40 and results.enough
    rows = {row.theme.key: row for row in results.themes}
    # Transport: 15 both, 5 + 5 disagreements, 15 neither. po = .75, pe = .5, kappa = .5.
    assert rows["transport"].kappa == pytest.approx(0.5)
    assert rows["transport"].agreement == pytest.approx(0.75)
    assert rows["transport"].kappa_words == "moderate"
    assert rows["childcare"].kappa == pytest.approx(1.0)
    # Mental health was given to only three segments: too few to judge.
    assert rows["anxiety"].positives == 3 and rows["anxiety"].kappa is None
    assert rows["anxiety"].kappa_words == "too few to judge"
    # Alpha over 120 (segment, theme) units: 56 + 164 agreeing pair values, 20 disagreeing,
    # marginals 66 (applied) and 174 (not): 1 - (240 - 1) * 20 / (2 * 66 * 174).
    assert results.alpha == pytest.approx(1 - 239 * 20 / (2 * 66 * 174))


def test_small_samples_are_too_few_to_judge(themes, coders, lead):
    sample = make_sample(coders, lead, n=29)
    code_all(sample, coders[0], {themes["transport"]: set(range(29))})
    code_all(sample, coders[1], {themes["transport"]: set(range(29))})
    results = sample_results(sample, resamples=10)
    assert results.coded_by_both == 29 and not results.enough
    assert results.alpha is None
    assert all(row.kappa is None for row in results.themes)
    assert results.machine.micro_f1 is None


def test_withdrawn_segments_leave_the_sample(themes, coders, lead):
    sample = make_sample(coders, lead, n=3)
    gone = sample.segments.first()
    gone.withdrawn_at = timezone.now()
    gone.save()
    results = sample_results(sample, resamples=10)
    assert results.progress["total"] == 2
    assert next_for_coder(sample, coders[0]) != gone


def test_the_machine_is_scored_against_peoples_final_codes(themes, coders, lead):
    sample = make_sample(coders, lead, n=40)
    segments = list(sample.segments.order_by("pk"))
    t, u = themes["transport"], themes["childcare"]
    for i, segment in enumerate(segments[:30]):
        Code.objects.create(
            segment=segment,
            theme=t,
            origin=Code.Origin.SIMILARITY,
            status=Code.Status.ACCEPTED if i < 20 else Code.Status.REJECTED,
            decided_by=lead,
        )
        if i < 5:
            Code.objects.create(
                segment=segment, theme=u, origin=Code.Origin.PERSON, status="accepted"
            )
    # A suggestion nobody has decided on yet does not make its segment "settled".
    Code.objects.create(segment=segments[35], theme=t, origin="rule", status="suggested")
    results = sample_results(sample, resamples=200)
    machine = results.machine
    assert machine.segments == 30
    # Transport: 20 right, 10 wrong, none missed; Childcare: 5 missed.
    micro = 2 * (20 / 30) * (20 / 25) / ((20 / 30) + (20 / 25))
    assert machine.micro_f1[0] == pytest.approx(micro)
    assert machine.macro_f1[0] == pytest.approx((0.8 + 0.0) / 2)
    assert machine.micro_f1[1] <= machine.micro_f1[0] <= machine.micro_f1[2]
    rows = {row.theme.key: row for row in results.themes}
    assert rows["transport"].machine_f1 == pytest.approx(0.8)
    assert rows["childcare"].machine_f1 == pytest.approx(0.0)
    assert rows["childcare"].machine_support == 5


def test_kappa_words_follow_landis_and_koch():
    assert [kappa_words(k) for k in (-0.1, 0.1, 0.3, 0.5, 0.7, 0.9)] == [
        "poor",
        "slight",
        "fair",
        "moderate",
        "substantial",
        "almost perfect",
    ]
