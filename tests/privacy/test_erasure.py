"""Erasure: deleting an account (by the person or in the site editor) and a lead erasing a guest's
data remove contact details and consent-bound content, keep only pseudonymised rows, take the
person's words out of analysis, and are logged without personal data."""

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import AuditEvent, Registration, SurveyResponse, User
from engagement.roles import Role
from insights.models import Segment
from tests.factories import FocusGroupFactory, UserFactory, sign_up

from .support import ANSWER, audit_details_text, survey_answer

pytestmark = pytest.mark.django_db

ERASE = reverse("engagement:privacy_erase")
FIND = reverse("engagement:privacy_requests")


def _assert_scrubbed(registration: Registration) -> None:
    registration.refresh_from_db()
    assert registration.name == "" and registration.phone == ""
    assert registration.access_needs == "" and registration.attendee_names == ""
    assert registration.email.endswith("@erased.invalid")
    assert registration.user_id is None


def _assert_answers_gone(response: SurveyResponse) -> None:
    response.refresh_from_db()
    assert response.contact_email == "" and response.form_data == {}
    assert response.analysed_answers == {} and response.user_id is None
    assert response.consent_withdrawn_at is not None
    # The consent given (statement and version) is kept as the record of what was agreed.
    assert response.consent.purpose == "survey" and response.consent.version == 1
    segments = Segment.objects.from_source("survey", response.public_id)
    assert segments.exists()
    assert all(s.text == "" and s.withdrawn_at is not None for s in segments)
    assert not Segment.objects.in_analysis().from_source("survey", response.public_id).exists()


def test_deleting_an_account_erases_what_is_linked_to_it(
    client, organisation, survey, django_capture_on_commit_callbacks
):
    user = UserFactory(email="sam@example.org", first_name="Sam", last_name="Jones")
    upcoming = FocusGroupFactory(organisation=organisation)
    registration = sign_up(
        upcoming, name="Sam Jones", email=user.email, user=user, access_needs="Step-free access"
    )
    response = survey_answer(survey, user=user)
    assert Segment.objects.in_analysis().exists()

    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("account_delete"), {"password": "correct horse battery", "confirm": "on"}
        )
    assert page.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    _assert_scrubbed(registration)
    assert registration.status == Registration.Status.CANCELLED  # the place is freed
    _assert_answers_gone(response)
    assert not Segment.objects.in_analysis().exists()

    deleted = AuditEvent.objects.get(action="account.deleted")
    assert deleted.detail["pseudonym"] == str(user.pseudonym)
    erased = AuditEvent.objects.get(action="privacy.subject_erased")
    assert erased.detail["reason"] == "account-deleted"
    assert erased.detail["registration_ids"] == [registration.pk]
    assert erased.detail["survey_response_ids"] == [response.pk]
    trail = audit_details_text()
    assert "sam@example.org" not in trail and "Sam" not in trail and ANSWER not in trail


def test_a_past_sign_up_keeps_its_attendance_but_not_who_it_was(organisation, survey):
    from engagement.services.accounts import account_delete

    user = UserFactory()
    past = FocusGroupFactory(organisation=organisation)
    registration = sign_up(past, email=user.email, user=user)
    Registration.objects.filter(pk=registration.pk).update(attended=True)
    past.starts_at = timezone.now() - timezone.timedelta(days=3)
    past.ends_at = past.starts_at + timezone.timedelta(hours=2)
    past.save()
    account_delete(user=user)
    _assert_scrubbed(registration)
    assert registration.attended is True
    assert registration.status == Registration.Status.CONFIRMED


def test_deleting_a_user_in_the_site_editor_goes_through_the_same_erasure(
    client, admin_user, organisation, survey
):
    user = UserFactory(email="kim@example.org")
    registration = sign_up(
        FocusGroupFactory(organisation=organisation), email=user.email, user=user
    )
    response = survey_answer(survey, user=user)
    client.force_login(admin_user)
    url = reverse("wagtailusers_users:delete", args=[user.pk])
    assert client.get(url).status_code == 200
    assert User.objects.filter(pk=user.pk).exists()  # looking at the page deletes nothing
    result = client.post(url)
    assert result.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    _assert_scrubbed(registration)
    _assert_answers_gone(response)
    deleted = AuditEvent.objects.get(action="account.deleted")
    assert deleted.actor == admin_user and deleted.detail["reason"] == "site-editor"


def test_bulk_deleting_users_in_the_site_editor_erases_them_too(client, admin_user, survey):
    users = [UserFactory(), UserFactory()]
    responses = [survey_answer(survey, user=user) for user in users]
    client.force_login(admin_user)
    url = reverse("wagtail_bulk_action", args=["engagement", "user", "delete"])
    result = client.post(f"{url}?id={users[0].pk}&id={users[1].pk}")
    assert result.status_code == 302
    assert not User.objects.filter(pk__in=[u.pk for u in users]).exists()
    for response in responses:
        _assert_answers_gone(response)
    deleted = AuditEvent.objects.filter(action="account.deleted")
    assert deleted.count() == 2 and all(e.actor == admin_user for e in deleted)


@pytest.fixture
def guest(organisation, survey):
    focus_group = FocusGroupFactory(organisation=organisation)
    registration = sign_up(focus_group, name="Alex Guest", email="alex@example.org", phone="0151")
    response = survey_answer(survey, contact_email="alex@example.org")
    other = sign_up(focus_group, name="Someone Else", email="else@example.org")
    return {"registration": registration, "response": response, "other": other}


def test_a_lead_erases_a_guests_data(client, lead, guest, django_capture_on_commit_callbacks):
    client.force_login(lead)
    # Without confirming, nothing happens and the error is explained.
    page = client.post(ERASE, {"email": "alex@example.org"})
    assert page.status_code == 200 and "govuk-error-summary" in page.content.decode()
    assert Registration.objects.get(pk=guest["registration"].pk).name == "Alex Guest"

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(ERASE, {"email": "Alex@example.org", "confirm": "on"})
    assert done.status_code == 302 and done.url == FIND
    _assert_scrubbed(guest["registration"])
    assert guest["registration"].status == Registration.Status.CANCELLED
    _assert_answers_gone(guest["response"])
    assert Registration.objects.get(pk=guest["other"].pk).name == "Someone Else"

    erased = AuditEvent.objects.get(action="privacy.subject_erased")
    assert erased.actor == lead and erased.detail["reason"] == "request"
    assert erased.detail["registrations"] == 1 and erased.detail["survey_responses"] == 1
    assert erased.detail["segments"] >= 1
    assert "alex@example.org" not in audit_details_text().lower()
    # Searching again finds nothing held against the address.
    html = client.post(FIND, {"email": "alex@example.org"}).content.decode()
    assert "Nothing is held against that email address" in html


def test_a_lead_cannot_erase_an_account_holder_from_the_request_page(client, lead, survey):
    user = UserFactory(email="member@example.org")
    survey_answer(survey, user=user)
    client.force_login(lead)
    page = client.post(ERASE, {"email": "member@example.org", "confirm": "on"}, follow=True)
    assert "belongs to an account" in page.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert SurveyResponse.objects.get().form_data != {}
    assert not AuditEvent.objects.filter(action="privacy.subject_erased").exists()


def test_others_cannot_erase(client, guest):
    for role in (Role.RESIDENT, Role.ASSOCIATE, Role.PARTNER):
        client.force_login(UserFactory(roles=[role]))
        assert client.post(ERASE, {"email": "alex@example.org", "confirm": "on"}).status_code == 403
    assert Registration.objects.get(pk=guest["registration"].pk).name == "Alex Guest"
