"""The public journey and the partner work area through HTTP."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from engagement.links import registration_token
from engagement.models import AccessFeature, AuditEvent, FocusGroup, Registration
from tests.factories import FocusGroupFactory, PlaceFactory, partner_of, sign_up

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _form(focus_group, **overrides):
    return {
        "name": "Jo Bloggs",
        "email": "jo@example.org",
        "contact_preference": "email",
        "access_needs": "Step-free access please",
        "consent_take_part": "on",
        "submission_key": str(uuid.uuid4()),
        **overrides,
    }


def test_listing_filters_by_place_audience_mode_and_access(client, consents):
    loop = AccessFeature.objects.create(key="hearing-loop", name="Hearing loop")
    wirral = PlaceFactory(name="Wirral", key="wirral")
    match = FocusGroupFactory(place=wirral, audience="employers", mode="online", title="Match me")
    match.access_features.add(loop)
    FocusGroupFactory(title="Other place")
    FocusGroupFactory(place=wirral, title="Draft one", status="draft")
    response = client.get(
        reverse("focus_groups:list"),
        {"place": wirral.pk, "audience": "employers", "mode": "online", "access": "hearing-loop"},
    )
    html = response.content.decode()
    assert "Match me" in html
    assert "Other place" not in html
    assert "Draft one" not in html
    assert "1 upcoming session" in html


def test_the_cached_listing_shows_changes_at_once(client, focus_group):
    """Anonymous visitors get a cached listing; publishing, filling or cancelling refreshes it."""
    url = reverse("focus_groups:list")
    assert "Places available" in client.get(url).content.decode()
    FocusGroupFactory(title="Newly published")
    assert "Newly published" in client.get(url).content.decode()
    for n in range(focus_group.open_places):
        sign_up(focus_group, n)
    assert "Full: waiting list open" in client.get(url).content.decode()
    focus_group.status = FocusGroup.Status.CANCELLED
    focus_group.save()
    assert focus_group.title not in client.get(url).content.decode()


def test_session_page_and_calendar_file(client, focus_group):
    page = client.get(focus_group.get_absolute_url())
    assert focus_group.title in page.content.decode()
    assert "10 places left" in page.content.decode()
    ics = client.get(reverse("focus_groups:calendar", args=[focus_group.public_id]))
    body = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and f"UID:{focus_group.public_id}@ehl-insight" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_the_confirmation_email_and_page_say_the_same_about_confirming_the_address(
    client, focus_group, settings
):
    from engagement.services.registrations import UNVERIFIED_HOLD

    settings.EHL_SITE_URL = "https://insight.example.org"
    response = client.post(
        reverse("focus_groups:signup", args=[focus_group.public_id]), _form(focus_group)
    )
    days = UNVERIFIED_HOLD.days
    page = client.get(response.url).content.decode()
    body = mail.outbox[0].body
    assert f"within {days} days" in page and f"within {days} days" in body
    assert "we will give your place to someone else" in page
    # The address on one line, never a template tag printed raw; links to the real host.
    assert "Where: Community Hall, 1 Example Street, Liverpool, L1 1AA" in body
    assert "{{" not in body and "{%" not in body
    links = [word for word in body.split() if "://" in word]
    assert links and all(link.startswith("https://insight.example.org/") for link in links)


def test_drafts_are_not_public(client, consents):
    draft = FocusGroupFactory(status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_guest_signs_up_confirms_their_email_and_cancels(client, focus_group):
    response = client.post(
        reverse("focus_groups:signup", args=[focus_group.public_id]), _form(focus_group)
    )
    assert response.status_code == 302
    registration = Registration.objects.get(email="jo@example.org")
    assert registration.status == "confirmed"
    assert registration.access_needs == "Step-free access please"
    confirmation = client.get(response.url)
    assert "Your place is confirmed" in confirmation.content.decode()

    confirm_link = next(
        line for line in mail.outbox[0].body.splitlines() if "/confirm/" in line
    ).split("testserver")[1]
    assert client.get(confirm_link).status_code == 200
    client.post(confirm_link)
    registration.refresh_from_db()
    assert registration.email_verified

    manage = reverse("focus_groups:manage", args=[registration_token(registration)])
    client.post(manage, {"action": "cancel"})
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_invalid_email_gets_an_error_summary_and_keeps_what_was_typed(client, focus_group):
    response = client.post(
        reverse("focus_groups:signup", args=[focus_group.public_id]),
        _form(focus_group, email="not-an-email", access_needs="A quiet room"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert 'href="#id_email"' in html
    assert "Enter an email address in the correct format" in html
    assert "A quiet room" in html
    assert not Registration.objects.exists()


def test_a_double_submitted_form_creates_one_registration(client, focus_group):
    data = _form(focus_group)
    url = reverse("focus_groups:signup", args=[focus_group.public_id])
    first, second = client.post(url, data), client.post(url, data)
    assert first.url == second.url
    assert Registration.objects.count() == 1


def test_the_honeypot_stops_bots(client, focus_group):
    response = client.post(
        reverse("focus_groups:signup", args=[focus_group.public_id]),
        _form(focus_group, website="http://spam.example"),
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_signing_up_to_a_full_session_joins_the_waiting_list(client, focus_group):
    focus_group.capacity = 1
    focus_group.save()
    sign_up(focus_group, 1)
    page = client.get(focus_group.get_absolute_url()).content.decode()
    assert "Join the waiting list" in page
    response = client.post(
        reverse("focus_groups:signup", args=[focus_group.public_id]), _form(focus_group)
    )
    assert "You are on the waiting list" in client.get(response.url).content.decode()


def test_closed_sign_up_says_so(client, focus_group):
    focus_group.signup_deadline = timezone.now() - timedelta(hours=1)
    focus_group.save()
    response = client.get(reverse("focus_groups:signup", args=[focus_group.public_id]))
    assert response.status_code == 410
    assert "Sign-up has closed" in response.content.decode()


def test_a_tampered_link_gets_a_clear_message(client, focus_group):
    registration = sign_up(focus_group)
    token = registration_token(registration)
    response = client.get(reverse("focus_groups:manage", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    bad_code = reverse("focus_groups:confirm_email", args=[token, "forged"])
    assert client.post(bad_code).status_code == 400
    registration.refresh_from_db()
    assert not registration.email_verified


def test_an_expired_offer_link_explains_itself(client, focus_group):
    focus_group.capacity = 1
    focus_group.save()
    first, second = sign_up(focus_group, 1), sign_up(focus_group, 2)
    from engagement.services.registrations import registration_cancel

    registration_cancel(registration=first)
    second.refresh_from_db()
    Registration.objects.filter(pk=second.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.post(
        reverse("focus_groups:manage", args=[registration_token(second)]), {"action": "accept"}
    )
    assert response.status_code == 400
    assert "This offer is no longer open" in response.content.decode()


def test_partners_create_publish_and_manage_their_session(client, organisation, consents):
    partner = partner_of(organisation)
    client.force_login(partner)
    start = (timezone.localtime() + timedelta(days=5)).replace(microsecond=0)
    response = client.post(
        reverse("engagement:focus_group_create"),
        {
            "organisation": organisation.slug,
            "audience": "residents",
            "title": "Anxiety and work",
            "description": "A small group.",
            "topics_text": "What helps?\nWhat gets in the way?",
            "place": organisation.place.pk,
            "mode": "in-person",
            "venue_name": "Library",
            "venue_address": "3 Test Lane",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 12,
            "reserved_places": 2,
        },
    )
    focus_group = FocusGroup.objects.get(title="Anxiety and work")
    assert response.url == reverse("engagement:focus_group_manage", args=[focus_group.public_id])
    assert focus_group.topics == ["What helps?", "What gets in the way?"]
    client.post(reverse("engagement:focus_group_action", args=[focus_group.public_id, "publish"]))
    focus_group.refresh_from_db()
    assert focus_group.status == "published"
    sign_up(focus_group, 1, access_needs="BSL interpreter")
    page = client.get(reverse("engagement:focus_group_manage", args=[focus_group.public_id]))
    assert "BSL interpreter" in page.content.decode()


def test_session_form_errors_are_summarised(client, organisation):
    client.force_login(partner_of(organisation))
    response = client.post(reverse("engagement:focus_group_create"), {"title": ""})
    html = response.content.decode()
    assert "govuk-error-summary" in html and 'href="#id_title"' in html


def test_a_partner_cannot_see_another_organisations_registrations(
    client, focus_group, other_organisation
):
    sign_up(focus_group, 1, name="Secret Person")
    client.force_login(partner_of(other_organisation))
    assert (
        client.get(
            reverse("engagement:focus_group_manage", args=[focus_group.public_id])
        ).status_code
        == 404
    )
    dashboard = client.get(reverse("engagement:focus_group_dashboard")).content.decode()
    assert focus_group.title not in dashboard
    csv = client.get(reverse("engagement:focus_group_register_csv", args=[focus_group.public_id]))
    assert csv.status_code == 404


def test_the_register_export_is_audited_and_safe_to_open_in_a_spreadsheet(
    client, focus_group, partner
):
    sign_up(focus_group, 1, name='=HYPERLINK("http://evil")', access_needs="+SUM(A1)")
    client.force_login(partner)
    response = client.get(
        reverse("engagement:focus_group_register_csv", args=[focus_group.public_id])
    )
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "'+SUM(A1)" in body
    assert AuditEvent.objects.filter(action="focus_group.register_exported", actor=partner).exists()


def test_attendance_and_moves_through_the_work_area(client, focus_group, partner):
    focus_group.capacity = 1
    focus_group.save()
    came, waiting = sign_up(focus_group, 1), sign_up(focus_group, 2)
    client.force_login(partner)
    move = reverse("engagement:registration_move", args=[focus_group.public_id, waiting.public_id])
    client.post(move, {"to": "confirmed"})
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"  # no room, even counting reserved places
    FocusGroup.objects.filter(pk=focus_group.pk).update(
        starts_at=timezone.now() - timedelta(minutes=30),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    client.post(
        reverse("engagement:focus_group_attendance", args=[focus_group.public_id]),
        {"present": [str(came.pk)]},
    )
    came.refresh_from_db()
    assert came.attended is True
