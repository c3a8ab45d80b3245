"""The review queue's "most useful to review next" order, worked out in the worker, and the
model page's agreement over time and themes that need examples."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.models import Code, ReviewPriority, SampleCoding, SuggesterModel, Theme
from insights.services import model_progress, review_order
from insights.services.double_coding import sample_create
from insights.services.review import code_accept, review_queue
from insights.services.training import retrain_request

from .review_support import (
    make_codebook,
    make_segment,
    make_segments,
    person_codes,
    suggest,
    theme_of,
)

pytestmark = pytest.mark.django_db

HOUSING = [
    "My landlord keeps putting the rent up and housing worries keep me awake.",
    "The housing office moved us to a flat miles from any rent I can afford.",
]


@pytest.fixture
def themes(db):
    themes = make_codebook()
    themes["housing"] = Theme.objects.create(
        key="housing",
        label="Housing",
        parent=themes["barriers"],
        kind=Theme.Kind.BARRIER,
        definition="Rent, landlords and insecure housing.",
        key_phrases=["landlord", "rent", "housing"],
        status=Theme.Status.APPROVED,
    )
    return themes


@pytest.fixture
def queue(themes, lead):
    """30 segments people coded (none about housing), and a queue of 12 waiting segments:
    nine like the coded ones and three about housing, every one with a suggestion."""
    person_codes(make_segments(30), themes, lead)
    waiting = []
    for i, segment in enumerate(make_segments(9)):
        waiting.append(segment)
        suggest(segment, themes[theme_of(segment.text)], 0.6 + i / 100)
    lowest = make_segment("The bus was late again, nothing more to say.")
    suggest(lowest, themes["transport"], 0.05)
    housing = [make_segment(text) for text in HOUSING]
    for segment in housing:
        suggest(segment, themes["transport"], 0.3)
    return {"waiting": [*waiting, lowest, *housing], "lowest": lowest, "housing": housing}


def test_the_order_puts_a_theme_without_codes_first_and_says_why(queue):
    placed = review_order.rank_queue()
    assert placed == len(queue["waiting"])
    first = ReviewPriority.objects.select_related("theme").order_by("rank").first()
    assert first.segment in queue["housing"]
    assert first.kind == "rare" and first.theme.key == "housing" and first.codes_of_theme == 0
    assert first.reason == "It might be about “Housing”, which has no codes yet."
    ranks = list(ReviewPriority.objects.values_list("rank", flat=True))
    assert sorted(ranks) == list(range(1, len(queue["waiting"]) + 1))
    # Coded segments are never in the order; only waiting ones are.
    assert set(ReviewPriority.objects.values_list("segment_id", flat=True)) == {
        s.pk for s in queue["waiting"]
    }


def test_queue_orders_useful_first_or_least_certain_first(queue):
    review_order.rank_queue()
    first = ReviewPriority.objects.order_by("rank").first().segment
    assert review_queue(order="useful").first() == first
    assert review_queue(order="uncertain").first() == queue["lowest"]
    # A segment that arrived after the ranking follows the ranked ones, least certain first.
    late = make_segment("A new comment about the bus.")
    suggest(late, Theme.objects.get(key="transport"), 0.01)
    assert list(review_queue(order="useful"))[-1] == late
    assert review_queue(order="uncertain").first() == late


def test_ranking_again_replaces_the_order_and_an_empty_queue_clears_it(queue, lead):
    review_order.rank_queue()
    before = ReviewPriority.objects.count()
    review_order.rank_queue()
    assert ReviewPriority.objects.count() == before
    Code.objects.filter(status=Code.Status.SUGGESTED).update(status=Code.Status.REJECTED)
    assert review_order.rank_queue() == 0
    assert not ReviewPriority.objects.exists()


def test_the_order_uses_the_learned_model_once_there_is_one(
    themes, lead, django_capture_on_commit_callbacks
):
    person_codes(make_segments(120), themes, lead)
    with django_capture_on_commit_callbacks(execute=True):
        retrain_request(user=lead)  # training asks for a new order when it is done
    model = SuggesterModel.objects.get()
    assert model.metrics["status"] == "ready"
    # Housing has no codes: the model learned it from its words alone, as simulated.
    assert "housing" in model.labels and model.n_train == 120
    waiting = make_segments(12)
    for segment in waiting:
        suggest(segment, themes[theme_of(segment.text)], 0.5)
    review_order.rank_queue()
    kinds = set(ReviewPriority.objects.values_list("kind", flat=True))
    assert "uncertain" in kinds  # only a model can be unsure
    assert "rare" in kinds  # housing has no codes at all


def test_reviews_bring_a_new_order_without_waiting_on_it(
    queue, lead, settings, django_capture_on_commit_callbacks
):
    settings.EHL_RERANK_AFTER_REVIEWS = 2
    settings.EHL_RETRAIN_AFTER_REVIEWS = 1000
    codes = Code.objects.filter(status=Code.Status.SUGGESTED).order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        code_accept(codes[0], user=lead)
    assert not ReviewPriority.objects.exists()  # one review: not due yet
    with django_capture_on_commit_callbacks(execute=True):
        code_accept(codes[1], user=lead)
    assert ReviewPriority.objects.exists()  # the worker (immediate in tests) ranked the queue
    assert not review_order.rerank_if_due()  # and the count starts again


def test_the_queue_page_follows_the_chosen_order(client, queue, lead):
    review_order.rank_queue()
    first = ReviewPriority.objects.order_by("rank").first().segment
    client.force_login(lead)
    response = client.get(reverse("insights:review_queue"))
    assert response.url == reverse("insights:review_segment", args=[first.pk])
    response = client.get(reverse("insights:review_queue") + "?order=uncertain")
    assert response.url == (
        reverse("insights:review_segment", args=[queue["lowest"].pk]) + "?order=uncertain"
    )
    page = client.get(reverse("insights:review_segment", args=[first.pk])).content.decode()
    assert "Why this segment now:" in page and "“Housing”, which has no codes yet" in page
    assert '<option value="useful" selected>Most useful to review next</option>' in page
    page = client.get(
        reverse("insights:review_segment", args=[first.pk]) + "?order=uncertain"
    ).content.decode()
    assert "Why this segment now:" not in page
    assert 'action="/work/review/' in page and '?order=uncertain"' in page


def test_agreement_over_time_splits_reviews_at_each_training(themes, lead):
    transport, childcare = themes["transport"], themes["childcare"]
    early, late = make_segments(2)
    suggest(early, transport, 0.6)
    suggest(early, childcare, 0.4)
    Code.objects.filter(segment=early, theme=transport).update(
        status=Code.Status.ACCEPTED, decided_by=lead, decided_at=timezone.now()
    )
    Code.objects.filter(segment=early, theme=childcare).update(
        status=Code.Status.REJECTED, decided_by=lead, decided_at=timezone.now()
    )
    model = SuggesterModel.objects.create(version=1, metrics={"status": "ready"})
    SuggesterModel.objects.filter(pk=model.pk).update(
        created_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    suggest(late, transport, 0.9)
    Code.objects.filter(segment=late).update(
        status=Code.Status.ACCEPTED,
        decided_by=lead,
        decided_at=timezone.now() + datetime.timedelta(minutes=1),
    )
    before, after = model_progress.agreement_over_time()
    assert (before.version, before.segments, before.accepted_share) == (None, 1, 0.5)
    assert before.micro_f1 == pytest.approx(2 / 3)  # one right, one wrong, none missed
    assert (after.version, after.segments, after.micro_f1, after.accepted_share) == (1, 1, 1, 1)


def test_people_agreement_and_themes_needing_examples(themes, associate, lead):
    segments = make_segments(30)
    sample = sample_create(
        name="Spring",
        coder_a=associate,
        coder_b=lead,
        size=30,
        segment_filter={},
        created_by=lead,
        seed=1,
    )
    for i, segment in enumerate(segments):
        right = themes[theme_of(segment.text)]
        for coder, theme in ((associate, right), (lead, right if i % 3 else themes["housing"])):
            coding = SampleCoding.objects.create(sample=sample, coder=coder, segment=segment)
            coding.themes.set([theme])
    agreement = model_progress.people_agreement()
    assert agreement.segments == 30
    assert agreement.micro_f1 == pytest.approx(20 / 30)
    needs = model_progress.themes_needing_examples({"transport": 12, "childcare": 3})
    assert [(n.theme.key, n.codes) for n in needs] == [
        ("housing", 0),
        ("anxiety", 0),  # "Mental health": fewest codes first, then by label
        ("childcare", 3),
    ]


def test_the_model_page_shows_agreement_and_themes_that_need_examples(client, queue, lead):
    client.force_login(lead)
    page = client.get(reverse("insights:suggester_models")).content.decode()
    assert "Agreement with people over time" in page
    assert "No double coding sample has enough segments" in page
    assert "Themes that still need examples" in page
    assert "Housing</a>: no accepted codes yet" in page
