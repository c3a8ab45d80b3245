"""Rebuilding a record keeps every code on the words it was given (issue #18.1): editing,
prepending, deleting and reordering sentences of a conversation log."""

import datetime

import pytest

from engagement.models import AuditEvent, ConsentStatement, ConversationLog
from engagement.roles import Role
from insights.models import Code, CodeEvent, Segment, SegmentReview
from insights.services.review import code_accept, code_add, code_history
from insights.services.segments import segments_rebuild
from tests.factories import PlaceFactory, UserFactory, make_consents
from tests.insights.review_support import make_codebook

pytestmark = pytest.mark.django_db

MANAGER = "My manager never asked how I was coping after the operation."
BUSES = "The buses stop running at six so the late shift is out of reach."
NURSERY = "The nursery closes at five and every shift I am offered ends at six."
PREPENDED = "I worked at the same warehouse in Runcorn for eleven years before this."


@pytest.fixture
def log(db):
    make_consents()
    return ConversationLog.objects.create(
        associate=UserFactory(roles=[Role.ASSOCIATE]),
        held_on=datetime.date(2026, 5, 2),
        place=PlaceFactory(),
        stakeholder_group="resident",
        effect_on_work=f"{MANAGER} {BUSES}",
        what_would_help=NURSERY,
        consent=ConsentStatement.current("conversation"),
    )


@pytest.fixture
def themes(db):
    return make_codebook()


def _rebuild(log) -> list[Segment]:
    segments_rebuild("conversation", str(log.public_id))
    return list(Segment.objects.from_source("conversation", log.public_id).order_by("position"))


def _segment(log, words: str) -> Segment:
    return Segment.objects.from_source("conversation", log.public_id).get(text__startswith=words)


def _edit(log, **fields) -> None:
    for name, value in fields.items():
        setattr(log, name, value)
    log.save()


def _accepted_on(log, themes, lead):
    """A person's accepted code on the manager sentence and one on the buses sentence."""
    _rebuild(log)
    employer = code_add(_segment(log, "My manager"), themes["anxiety"], user=lead)
    transport = code_add(_segment(log, "The buses"), themes["transport"], user=lead)
    return employer, transport


def test_prepending_a_sentence_leaves_every_code_on_its_words(log, themes, lead):
    employer, transport = _accepted_on(log, themes, lead)
    _edit(log, effect_on_work=f"{PREPENDED} {MANAGER} {BUSES}")
    segments = _rebuild(log)

    assert [s.text for s in segments][:3] == [PREPENDED, MANAGER, BUSES]
    employer.refresh_from_db()
    transport.refresh_from_db()
    assert employer.segment.text == MANAGER and employer.status == Code.Status.ACCEPTED
    assert transport.segment.text == BUSES and transport.status == Code.Status.ACCEPTED
    assert not Code.objects.filter(segment=segments[0]).exists()


def test_reordering_sentences_moves_the_codes_with_them(log, themes, lead):
    employer, transport = _accepted_on(log, themes, lead)
    _edit(log, effect_on_work=f"{BUSES} {MANAGER}")
    segments = _rebuild(log)

    assert [s.text for s in segments][:2] == [BUSES, MANAGER]
    employer.refresh_from_db()
    transport.refresh_from_db()
    assert employer.segment.text == MANAGER and transport.segment.text == BUSES
    assert {employer.status, transport.status} == {Code.Status.ACCEPTED}


def test_a_sentence_moved_to_another_answer_keeps_its_code(log, themes, lead):
    _employer, transport = _accepted_on(log, themes, lead)
    _edit(log, effect_on_work=MANAGER, what_would_help=f"{NURSERY} {BUSES}")
    _rebuild(log)

    transport.refresh_from_db()
    assert transport.segment.text == BUSES
    assert transport.segment.source_part == "what_would_help"
    assert transport.status == Code.Status.ACCEPTED


def test_deleting_a_sentence_removes_only_its_codes_and_says_so_in_the_audit_trail(
    log, themes, lead
):
    employer, transport = _accepted_on(log, themes, lead)
    _edit(log, effect_on_work=BUSES)
    _rebuild(log)

    assert not Code.objects.filter(pk=employer.pk).exists()
    transport.refresh_from_db()
    assert transport.segment.text == BUSES and transport.status == Code.Status.ACCEPTED
    event = AuditEvent.objects.get(action="segments.removed_on_rebuild")
    assert event.detail["decided_codes"] == 1 and event.detail["segments"] == 1
    assert MANAGER not in str(event.detail)


def test_editing_a_sentence_sends_its_codes_back_to_review_with_their_history(log, themes, lead):
    employer, transport = _accepted_on(log, themes, lead)
    segment = employer.segment
    SegmentReview.objects.create(segment=segment, reviewed_by=lead, powerful_quote=True)
    edited = "My line manager never once asked how I was coping after my operation."
    _edit(log, effect_on_work=f"{edited} {BUSES}")
    _rebuild(log)

    employer.refresh_from_db()
    transport.refresh_from_db()
    assert employer.segment_id == segment.pk and employer.segment.text == edited
    assert employer.status == Code.Status.SUGGESTED and employer.decided_by is None
    assert "edited" in employer.reason
    assert transport.status == Code.Status.ACCEPTED  # its words did not change
    history = code_history(employer)
    assert [h["to_status"] for h in history][-2:] == ["accepted", "suggested"]
    assert history[-1]["by"] == "record rebuilt"
    review = SegmentReview.objects.get(segment=segment)
    assert review.reviewed_at is None and not review.powerful_quote

    # Back in the queue, a person decides again and the history shows both decisions.
    code_accept(employer, user=lead)
    assert CodeEvent.objects.filter(code=employer, to_status="accepted").count() == 2


def test_rebuilding_an_unchanged_record_changes_no_code(log, themes, lead):
    _accepted_on(log, themes, lead)
    before = {s.pk: s.text for s in _rebuild(log)}
    after = {s.pk: s.text for s in _rebuild(log)}
    assert before == after
    assert Code.objects.filter(status=Code.Status.ACCEPTED).count() == 2
    assert not CodeEvent.objects.filter(action="words-changed").exists()


def test_segments_built_before_content_keys_are_matched_by_their_words(log, themes, lead):
    employer, _transport = _accepted_on(log, themes, lead)
    Segment.objects.update(content_key="")  # as rows built before the key existed
    _edit(log, effect_on_work=f"{PREPENDED} {MANAGER} {BUSES}")
    _rebuild(log)

    employer.refresh_from_db()
    assert employer.segment.text == MANAGER and employer.status == Code.Status.ACCEPTED
    assert employer.segment.content_key


def test_the_content_key_does_not_hold_the_words(log):
    segments = _rebuild(log)
    assert all(len(s.content_key) == 64 for s in segments)
    assert all("manager" not in s.content_key for s in segments)
