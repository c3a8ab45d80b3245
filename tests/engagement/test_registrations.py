"""Service-level tests for every state change a registration goes through."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from engagement.models import AuditEvent, Registration
from engagement.services.registrations import (
    RegistrationError,
    SignUp,
    attendance_mark,
    offer_accept,
    offer_decline,
    offers_expire_due,
    places_taken,
    registration_cancel,
    registration_create,
    registration_move,
    registrations_expire_unverified,
)
from tests.factories import FocusGroupFactory, UserFactory, sign_up

# Real transactions, so emails go out on commit exactly as in production.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_first_people_get_places_and_the_rest_join_the_waiting_list(focus_group):
    focus_group.capacity, focus_group.reserved_places = 4, 1
    focus_group.save()
    statuses = [sign_up(focus_group, n).status for n in range(5)]
    assert statuses == ["confirmed"] * 3 + ["waitlisted"] * 2
    assert places_taken(focus_group) == 3


def test_confirmation_email_has_plain_text_html_and_a_manage_link(focus_group):
    registration = sign_up(focus_group, name="Alex O'Neill <b>")
    message = mail.outbox[-1]
    assert message.to == [registration.email]
    assert "Your place is confirmed" in message.subject
    assert "/sessions/r/" in message.body
    assert "Alex O'Neill <b>" in message.body  # plain text is not HTML-escaped
    html = message.alternatives[0][0]
    assert "Alex O&#x27;Neill &lt;b&gt;" in html  # ...but the HTML version is
    assert "confirm this is your email address" in message.body  # guests confirm their address


def test_a_sign_up_recorded_after_the_fact_emails_nobody(focus_group):
    registration, created = registration_create(
        focus_group=focus_group,
        sign_up=SignUp(name="Sam Paper", email="sam@example.org", consent_take_part=True),
        notify=False,
    )
    assert created and registration.status == "confirmed"
    assert mail.outbox == []


def test_signed_in_people_do_not_need_to_confirm_their_email(focus_group):
    user = UserFactory(email="sam@example.org")
    registration = sign_up(focus_group, email="sam@example.org", user=user)
    assert registration.email_verified
    assert "confirm this is your email address" not in mail.outbox[-1].body


def test_signing_up_twice_returns_the_same_registration(focus_group):
    first = sign_up(focus_group, 1)
    again = sign_up(focus_group, 1, email="PERSON1@example.org")
    assert again.pk == first.pk
    assert focus_group.registrations.count() == 1


def test_a_double_submitted_form_creates_one_registration(focus_group):
    key = uuid.uuid4()
    first = sign_up(focus_group, 1, submission_key=key)
    second = sign_up(focus_group, 1, submission_key=key)
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "cancelled"}, "cancelled"),
        ({"status": "draft"}, "not open"),
        ({"signup_deadline": timezone.now() - timedelta(minutes=1)}, "closed"),
    ],
)
def test_sign_up_is_refused_when_the_session_is_not_open(focus_group, change, message):
    for field, value in change.items():
        setattr(focus_group, field, value)
    focus_group.save()
    with pytest.raises(RegistrationError, match=message):
        sign_up(focus_group)
    assert not focus_group.registrations.exists()


def test_consent_to_take_part_is_required(focus_group):
    with pytest.raises(RegistrationError) as error:
        sign_up(focus_group, consent_take_part=False)
    assert error.value.field == "consent_take_part"


def test_consent_records_point_at_the_versioned_statements(focus_group):
    recorded = sign_up(focus_group, 1, consent_record=True)
    not_recorded = sign_up(focus_group, 2)
    assert recorded.consent_take_part.version == 1
    assert recorded.agreed_to_recording
    assert not not_recorded.agreed_to_recording


def test_group_sign_up_takes_several_places_and_never_overfills(focus_group):
    focus_group.audience = "employers"
    focus_group.save()
    big = sign_up(focus_group, 1, places=8, organisation_name="Acme Ltd")
    too_many = sign_up(focus_group, 2, places=3)
    assert big.status == "confirmed"
    assert too_many.status == "waitlisted"
    focus_group.capacity = 6
    focus_group.save()
    with pytest.raises(RegistrationError, match="6 places in all"):
        sign_up(focus_group, 3, places=7)


def test_new_sign_ups_queue_behind_people_already_waiting(focus_group):
    focus_group.capacity = 2
    focus_group.save()
    a, _b, c = (sign_up(focus_group, n) for n in range(3))
    registration_cancel(registration=a)
    c.refresh_from_db()
    assert c.status == "offered"
    late = sign_up(focus_group, 9)
    assert late.status == "waitlisted"


def test_cancelling_offers_the_place_to_the_next_person_by_email(focus_group):
    focus_group.capacity = 1
    focus_group.save()
    first, second, third = (sign_up(focus_group, n) for n in range(3))
    mail.outbox.clear()
    registration_cancel(registration=first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "offered"
    assert second.offer_expires_at <= focus_group.starts_at
    assert third.status == "waitlisted"
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[second.email].startswith("A place is free for you")
    assert subjects[first.email].startswith("You have cancelled")


def test_an_offer_can_be_accepted_once(focus_group):
    focus_group.capacity = 1
    focus_group.save()
    first, second = sign_up(focus_group, 1), sign_up(focus_group, 2)
    registration_cancel(registration=first)
    second.refresh_from_db()
    accepted = offer_accept(registration=second)
    assert accepted.status == "confirmed"
    assert offer_accept(registration=accepted).status == "confirmed"  # idempotent


def test_an_expired_offer_passes_on_and_cannot_be_accepted(focus_group):
    focus_group.capacity = 1
    focus_group.save()
    first, second, third = (sign_up(focus_group, n) for n in range(3))
    registration_cancel(registration=first)
    second.refresh_from_db()
    later = second.offer_expires_at + timedelta(minutes=1)
    assert offers_expire_due(now=later) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "expired"
    assert third.status == "offered"
    with pytest.raises(RegistrationError, match="no longer open"):
        offer_accept(registration=second, now=later)


def test_declining_an_offer_passes_it_on(focus_group):
    focus_group.capacity = 1
    focus_group.save()
    first, second, third = (sign_up(focus_group, n) for n in range(3))
    registration_cancel(registration=first)
    second.refresh_from_db()
    offer_decline(registration=second)
    third.refresh_from_db()
    assert third.status == "offered"
    with pytest.raises(RegistrationError):
        offer_decline(registration=second)


def test_a_waiting_group_is_not_skipped_for_a_smaller_one(focus_group):
    focus_group.capacity, focus_group.audience = 3, "services"
    focus_group.save()
    holder = sign_up(focus_group, 1, places=2)
    sign_up(focus_group, 2)  # takes the last place
    group = sign_up(focus_group, 3, places=2)
    single = sign_up(focus_group, 4)
    registration_cancel(registration=holder)
    group.refresh_from_db()
    single.refresh_from_db()
    assert group.status == "offered"
    assert single.status == "waitlisted"


def test_cancelling_twice_is_harmless_and_cancelling_after_the_start_is_refused(focus_group):
    registration = sign_up(focus_group)
    registration_cancel(registration=registration)
    assert registration_cancel(registration=registration).status == "cancelled"
    other = sign_up(focus_group, 2)
    with pytest.raises(RegistrationError, match="already started"):
        registration_cancel(registration=other, now=focus_group.starts_at + timedelta(minutes=5))


def test_hosts_can_use_reserved_places_but_never_exceed_capacity(focus_group, partner):
    focus_group.capacity, focus_group.reserved_places = 3, 1
    focus_group.save()
    sign_up(focus_group, 1), sign_up(focus_group, 2)
    waiting = [sign_up(focus_group, n) for n in (3, 4)]
    moved = registration_move(registration=waiting[0], to="confirmed", actor=partner)
    assert moved.status == "confirmed"
    with pytest.raises(RegistrationError, match="no places left"):
        registration_move(registration=waiting[1], to="confirmed", actor=partner)
    assert AuditEvent.objects.filter(action="registration.moved", actor=partner).exists()


def test_attendance_is_marked_on_the_day(focus_group, partner):
    came, missed = sign_up(focus_group, 1), sign_up(focus_group, 2)
    with pytest.raises(RegistrationError, match="on the day"):
        attendance_mark(focus_group=focus_group, present_ids={came.pk}, actor=partner)
    on_the_day = focus_group.starts_at - timedelta(hours=1)
    count = attendance_mark(
        focus_group=focus_group, present_ids={came.pk}, actor=partner, now=on_the_day
    )
    assert count == 1
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.attended, missed.attended) == (True, False)


def test_unconfirmed_guest_sign_ups_release_their_place_after_two_days(focus_group):
    focus_group.capacity = 1
    focus_group.starts_at = timezone.now() + timedelta(days=10)
    focus_group.ends_at = focus_group.starts_at + timedelta(hours=1)
    focus_group.save()
    guest = sign_up(focus_group, 1)
    member = UserFactory(email="member@example.org")
    waiting = sign_up(focus_group, 2, email=member.email, user=member)
    assert registrations_expire_unverified(now=timezone.now() + timedelta(hours=1)) == 0
    assert registrations_expire_unverified(now=timezone.now() + timedelta(hours=49)) == 1
    guest.refresh_from_db()
    waiting.refresh_from_db()
    assert guest.status == "cancelled"
    assert waiting.status == "offered"


def test_places_are_counted_per_session(consents):
    one, two = FocusGroupFactory(capacity=1), FocusGroupFactory(capacity=1)
    assert sign_up(one, 1).status == "confirmed"
    assert sign_up(two, 1).status == "confirmed"
    assert Registration.objects.filter(status="confirmed").count() == 2


def test_registration_service_rejects_bad_group_sizes(focus_group):
    with pytest.raises(RegistrationError):
        registration_create(
            focus_group=focus_group,
            sign_up=SignUp(name="A", email="a@example.org", consent_take_part=True, places=0),
        )
