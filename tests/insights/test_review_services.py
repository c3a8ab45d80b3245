"""The review queue's order and contents, and people's decisions with their history."""

import pytest
from django.utils import timezone

from insights.models import Code, CodeEvent, SegmentReview, Theme
from insights.services.review import (
    ReviewError,
    code_accept,
    code_add,
    code_change,
    code_history,
    code_reject,
    next_in_queue,
    quote_flag,
    review_page,
    review_queue,
    segment_done,
)

from .review_support import TEXTS, make_codebook, make_segment, suggest

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    return make_codebook()


def test_the_most_uncertain_segments_come_first(themes):
    sure = make_segment("one")
    unsure = make_segment("two")
    middling = make_segment("three")
    suggest(sure, themes["transport"], 0.9)
    suggest(sure, themes["childcare"], 0.2)  # the best score counts, not the worst
    suggest(unsure, themes["transport"], 0.3)
    suggest(middling, themes["anxiety"], 0.6)
    suggest(middling, themes["transport"], 0.1)
    assert list(review_queue()) == [unsure, middling, sure]
    assert next_in_queue() == unsure


def test_the_queue_can_be_narrowed_to_one_theme_in_that_themes_order(themes):
    a, b, c = make_segment("a"), make_segment("b"), make_segment("c")
    suggest(a, themes["transport"], 0.8)
    suggest(a, themes["childcare"], 0.1)
    suggest(b, themes["transport"], 0.4)
    suggest(c, themes["anxiety"], 0.2)
    assert list(review_queue(theme=themes["transport"])) == [b, a]


def test_the_queue_holds_only_segments_still_waiting_on_approved_themes(themes, lead):
    waiting = make_segment("waiting")
    suggest(waiting, themes["transport"])
    withdrawn = make_segment("withdrawn", withdrawn_at=timezone.now())
    suggest(withdrawn, themes["transport"])
    retired = Theme.objects.create(
        key="gone", label="Gone", kind="barrier", definition="x", status=Theme.Status.RETIRED
    )
    suggest(make_segment("retired theme only"), retired)
    decided = make_segment("decided")
    code_accept(suggest(decided, themes["anxiety"]), user=lead)
    skipped = make_segment("skipped")
    suggest(skipped, themes["childcare"])
    make_segment("never coded")
    assert list(review_queue(skipped=[skipped.pk])) == [waiting]


def test_accepting_records_who_when_and_the_history(themes, associate):
    code = suggest(make_segment(TEXTS["transport"][0]), themes["transport"])
    code_accept(code, user=associate)
    code.refresh_from_db()
    assert code.status == Code.Status.ACCEPTED
    assert code.decided_by == associate and code.decided_at is not None
    event = CodeEvent.objects.get(code=code)
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "accepted",
        "suggested",
        "accepted",
        associate,
    )
    code_accept(code, user=associate)  # already accepted: nothing new to record
    assert code.events.count() == 1


def test_rejecting_and_changing_ones_mind_are_both_kept(themes, associate, lead):
    code = suggest(make_segment("x"), themes["transport"])
    code_reject(code, user=associate)
    code_accept(code, user=lead)
    code.refresh_from_db()
    assert code.status == Code.Status.ACCEPTED and code.decided_by == lead
    history = code_history(code)
    assert [(h["what"], h["by"]) for h in history] == [
        ("Rejected", str(associate)),
        ("Accepted", str(lead)),
    ]
    assert (history[0]["from_status"], history[0]["to_status"]) == ("suggested", "rejected")


def test_adding_a_code_makes_an_accepted_person_code(themes, associate):
    segment = make_segment("x")
    code = code_add(segment, themes["anxiety"], user=associate)
    assert code.origin == Code.Origin.PERSON and code.status == Code.Status.ACCEPTED
    assert code.coder == associate and code.decided_by == associate
    assert code.made_by == "a person"
    assert code_history(code)[0]["what"] == "Added"
    with pytest.raises(ReviewError, match="already coded with Mental health"):
        code_add(segment, themes["anxiety"], user=associate)


def test_adding_a_theme_that_was_rejected_accepts_it(themes, associate):
    segment = make_segment("x")
    code = suggest(segment, themes["childcare"])
    code_reject(code, user=associate)
    again = code_add(segment, themes["childcare"], user=associate)
    assert again.pk == code.pk and again.status == Code.Status.ACCEPTED
    assert Code.objects.filter(segment=segment).count() == 1


def test_only_approved_themes_can_be_added(themes, associate):
    candidate = Theme.objects.create(key="c", label="C", kind="barrier", definition="c")
    with pytest.raises(ReviewError, match="approved theme"):
        code_add(make_segment("x"), candidate, user=associate)


def test_changing_a_code_rejects_the_old_theme_and_accepts_the_new(themes, associate):
    segment = make_segment("x")
    old = suggest(segment, themes["transport"])
    new = code_change(old, themes["childcare"], user=associate)
    old.refresh_from_db()
    assert old.status == Code.Status.REJECTED and old.decided_by == associate
    assert new.theme == themes["childcare"] and new.status == Code.Status.ACCEPTED
    assert code_history(old)[-1]["what"] == "Changed to Childcare"
    assert code_history(new)[0]["what"] == "Added in place of Transport"
    with pytest.raises(ReviewError, match="different theme"):
        code_change(new, themes["childcare"], user=associate)


def test_done_rejects_what_was_not_accepted_and_leaves_the_queue(themes, associate):
    segment = make_segment("x")
    keep = suggest(segment, themes["transport"], 0.9)
    drop = suggest(segment, themes["anxiety"], 0.4)
    code_accept(keep, user=associate)
    review = segment_done(segment, user=associate)
    drop.refresh_from_db()
    assert drop.status == Code.Status.REJECTED and drop.decided_by == associate
    assert code_history(drop)[-1]["what"] == "Rejected when the segment was marked done"
    assert review.reviewed_by == associate and review.reviewed_at is not None
    assert segment not in review_queue()
    keep.refresh_from_db()
    assert keep.status == Code.Status.ACCEPTED


def test_a_powerful_quote_is_flagged_and_unflagged(themes, associate):
    segment = make_segment("x")
    assert quote_flag(segment, user=associate, flagged=True).powerful_quote
    assert SegmentReview.objects.get(segment=segment).powerful_quote
    quote_flag(segment, user=associate, flagged=False)
    review = SegmentReview.objects.get(segment=segment)
    assert not review.powerful_quote and review.reviewed_at is None


def test_the_review_page_shows_context_from_the_same_record(themes):
    before = make_segment("Facilitator asks", source_id="r1", position=3, codable=False)
    withdrawn = make_segment("Gone", source_id="r1", position=4, withdrawn_at=timezone.now())
    segment = make_segment("The answer", source_id="r1", position=5)
    after = make_segment("More", source_id="r1", position=6)
    make_segment("Far away", source_id="r1", position=9)
    make_segment("Another record", source_id="r2", position=5)
    page = review_page(segment)
    assert page.neighbours == [before, segment, after]
    assert withdrawn not in page.neighbours
