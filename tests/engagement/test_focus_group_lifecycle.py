"""Publishing, changing, cancelling and completing sessions, and reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from engagement.models import AuditEvent, FocusGroup
from engagement.services.focus_groups import (
    focus_group_cancel,
    focus_group_complete,
    focus_group_create,
    focus_group_publish,
    focus_group_update,
    registrants_message,
    reminders_send,
)
from engagement.services.registrations import RegistrationError
from engagement.tasks import send_reminder
from tests.factories import FocusGroupFactory, sign_up

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _draft(organisation, **overrides):
    start = timezone.now() + timedelta(days=3)
    fields = {
        "audience": "residents",
        "title": "Back pain and work",
        "description": "Talk about what helps.",
        "place": organisation.place,
        "venue_name": "The Hub",
        "venue_address": "2 Sample Road",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity": 8,
        **overrides,
    }
    return fields


def test_a_partner_drafts_and_publishes_a_session(organisation, partner, consents):
    focus_group = focus_group_create(
        organisation=organisation, actor=partner, **_draft(organisation)
    )
    assert focus_group.status == "draft"
    focus_group_publish(focus_group=focus_group, actor=partner)
    focus_group.refresh_from_db()
    assert focus_group.status == "published"
    assert focus_group.published_at is not None
    actions = set(AuditEvent.objects.filter(actor=partner).values_list("action", flat=True))
    assert {"focus_group.created", "focus_group.published"} <= actions


def test_publishing_needs_a_future_start_and_a_venue_or_joining_details(organisation, partner):
    online = focus_group_create(
        organisation=organisation,
        actor=partner,
        **_draft(organisation, mode="online", venue_address=""),
    )
    with pytest.raises(RegistrationError, match="joining details"):
        focus_group_publish(focus_group=online, actor=partner)
    past = focus_group_create(organisation=organisation, actor=partner, **_draft(organisation))
    with pytest.raises(RegistrationError, match="start time has passed"):
        focus_group_publish(
            focus_group=past, actor=partner, now=past.starts_at + timedelta(hours=1)
        )


def test_changing_the_time_tells_everyone_signed_up(focus_group, partner):
    sign_up(focus_group, 1), sign_up(focus_group, 2)
    mail.outbox.clear()
    new_start = focus_group.starts_at + timedelta(days=1)
    focus_group_update(
        focus_group=focus_group,
        actor=partner,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=1),
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["person1@example.org", "person2@example.org"]
    assert all(m.subject.startswith("Details have changed") for m in mail.outbox)


def test_changing_only_the_description_sends_nothing(focus_group, partner):
    sign_up(focus_group, 1)
    mail.outbox.clear()
    focus_group_update(focus_group=focus_group, actor=partner, description="New words.")
    assert mail.outbox == []


def test_cancelling_tells_everyone_and_closes_sign_up(focus_group, partner):
    focus_group.capacity = 1
    focus_group.save()
    confirmed, waiting = sign_up(focus_group, 1), sign_up(focus_group, 2)
    mail.outbox.clear()
    with pytest.raises(RegistrationError, match="why"):
        focus_group_cancel(focus_group=focus_group, actor=partner, reason=" ")
    focus_group_cancel(focus_group=focus_group, actor=partner, reason="The venue flooded.")
    assert {m.to[0] for m in mail.outbox} == {confirmed.email, waiting.email}
    assert all("The venue flooded." in m.body for m in mail.outbox)
    assert set(focus_group.registrations.values_list("status", flat=True)) == {"cancelled"}
    with pytest.raises(RegistrationError, match="cancelled"):
        sign_up(focus_group, 3)


def test_completing_needs_the_session_to_have_started(focus_group, partner):
    with pytest.raises(RegistrationError, match="once it has started"):
        focus_group_complete(focus_group=focus_group, actor=partner)
    focus_group_complete(
        focus_group=focus_group, actor=partner, now=focus_group.starts_at + timedelta(hours=3)
    )
    focus_group.refresh_from_db()
    assert focus_group.status == "completed"


def test_reminders_go_to_confirmed_people_once_and_not_after_a_move(focus_group):
    confirmed = sign_up(focus_group, 1)
    focus_group.capacity = 1
    focus_group.save()
    sign_up(focus_group, 2)  # waiting list: no reminder
    mail.outbox.clear()
    stamp = focus_group.starts_at.isoformat()
    assert send_reminder.call(focus_group_id=focus_group.pk, kind="two-days", starts_at=stamp) == 1
    assert [m.to for m in mail.outbox] == [[confirmed.email]]
    assert "in two days" in mail.outbox[0].body
    assert reminders_send(focus_group=focus_group, kind="two-days", starts_at=stamp) == 0
    moved = FocusGroup.objects.get(pk=focus_group.pk)
    moved.starts_at += timedelta(hours=1)
    moved.ends_at += timedelta(hours=1)
    moved.save()
    assert reminders_send(focus_group=moved, kind="two-hours", starts_at=stamp) == 0


def test_hosts_can_message_people_signed_up(focus_group, partner):
    focus_group.capacity = 1
    focus_group.save()
    sign_up(focus_group, 1), sign_up(focus_group, 2)
    mail.outbox.clear()
    sent = registrants_message(
        focus_group=focus_group,
        actor=partner,
        subject="Parking",
        body="Use the car park behind the hall.",
        statuses=["confirmed"],
    )
    assert sent == 1
    assert mail.outbox[0].subject == "Parking"
    assert "car park" in mail.outbox[0].body


def test_sessions_are_listed_in_time_order_with_place_counts(consents):
    later = FocusGroupFactory(starts_at=timezone.now() + timedelta(days=9))
    sooner = FocusGroupFactory(starts_at=timezone.now() + timedelta(days=2))
    sign_up(later, 1, places=1)
    rows = list(FocusGroup.objects.published().upcoming().with_place_counts().order_by("starts_at"))
    assert [r.pk for r in rows] == [sooner.pk, later.pk]
    assert [r.places_taken for r in rows] == [0, 1]
