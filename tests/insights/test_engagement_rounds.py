"""Engagement rounds: every setting's segments carry the round their day falls in, so reports
compare rounds whatever the source; roundtables keep their series' own round numbers."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from engagement.models import ConversationLog, EngagementRound
from engagement.services.capture import NoteEntry, conversation_log_save, roundtable_notes_add
from insights.models import Segment
from tests.factories import (
    PlaceFactory,
    UserFactory,
    make_consents,
    make_roundtable,
    make_survey_page,
)

pytestmark = pytest.mark.django_db

SPRING = datetime.date(2026, 3, 1), datetime.date(2026, 4, 30)


def _round(number, starts, ends):
    return EngagementRound.objects.create(
        number=number, name=f"Round {number}", starts_on=starts, ends_on=ends
    )


def _log(day, associate):
    return conversation_log_save(
        log=ConversationLog(
            held_on=day,
            place=PlaceFactory(),
            stakeholder_group="resident",
            effect_on_work="The buses stopped running after six so I lost the evening shifts.",
        ),
        actor=associate,
    )


@pytest.fixture
def associate(db):
    make_consents()
    return UserFactory()


def test_a_conversation_takes_the_round_its_day_falls_in(
    associate, django_capture_on_commit_callbacks
):
    _round(1, *SPRING)
    with django_capture_on_commit_callbacks(execute=True):
        inside = _log(datetime.date(2026, 3, 15), associate)
        outside = _log(datetime.date(2026, 6, 1), associate)
    assert {
        s.round_number for s in Segment.objects.from_source("conversation", inside.public_id)
    } == {1}
    assert {
        s.round_number for s in Segment.objects.from_source("conversation", outside.public_id)
    } == {None}


def test_changing_the_calendar_restamps_segments_but_not_roundtable_notes(
    associate, django_capture_on_commit_callbacks
):
    table = make_roundtable()  # held 4 March 2026, its series' round 1
    question = table.event.series.questions.first()
    with django_capture_on_commit_callbacks(execute=True):
        log = _log(datetime.date(2026, 3, 15), associate)
        roundtable_notes_add(
            table=table,
            actor=associate,
            entries=[NoteEntry(question.pk, "Referrals depend on one person in each practice.")],
        )
    assert set(
        Segment.objects.filter(source_type="conversation").values_list("round_number", flat=True)
    ) == {None}

    spring = _round(2, *SPRING)
    assert set(
        Segment.objects.filter(source_type="conversation").values_list("round_number", flat=True)
    ) == {2}
    assert set(
        Segment.objects.filter(source_type="roundtable").values_list("round_number", flat=True)
    ) == {1}

    spring.starts_on, spring.ends_on = datetime.date(2026, 5, 1), datetime.date(2026, 5, 31)
    spring.save()
    assert Segment.objects.from_source("conversation", log.public_id).first().round_number is None
    spring.delete()
    assert set(
        Segment.objects.filter(source_type="roundtable").values_list("round_number", flat=True)
    ) == {1}


def test_a_survey_answer_takes_the_round_of_the_day_it_was_given(
    client, django_capture_on_commit_callbacks
):
    survey = make_survey_page()
    today = datetime.date.today()
    _round(1, today - datetime.timedelta(days=3), today + datetime.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            survey.url,
            {
                "what_would_help_you_find_or_stay_in_work": "A manager who asks how I am doing.",
                "ehl_consent": "on",
                "ehl_submission_key": str(uuid.uuid4()),
            },
        )
    assert set(Segment.objects.values_list("round_number", flat=True)) == {1}


def test_rounds_may_not_overlap_or_end_before_they_start(db):
    _round(1, *SPRING)
    clash = EngagementRound(
        number=2,
        name="Clash",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 6, 1),
    )
    with pytest.raises(ValidationError, match="overlap round 1"):
        clash.full_clean()
    backwards = EngagementRound(
        number=3,
        name="Backwards",
        starts_on=datetime.date(2026, 8, 1),
        ends_on=datetime.date(2026, 7, 1),
    )
    with pytest.raises(ValidationError, match="end on or after"):
        backwards.full_clean()
    assert EngagementRound.number_on(datetime.date(2026, 4, 30)) == 1
    assert EngagementRound.number_on(datetime.date(2026, 5, 1)) is None
