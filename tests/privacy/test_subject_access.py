"""Subject access: a signed-in person downloads everything held about them (JSON and CSV), and a
programme lead finds and exports what is held against the email of someone without an account.
Every download is audited, and the trail never holds the email itself."""

import csv
import io
import json

import pytest
from django.urls import reverse

from engagement.models import AuditEvent
from engagement.roles import Role
from engagement.services.privacy import subject_ref
from tests.factories import FocusGroupFactory, UserFactory, partner_of, sign_up

from .support import ANSWER, audit_details_text, survey_answer

pytestmark = pytest.mark.django_db

OWN_JSON = reverse("engagement:own_data_json")
OWN_CSV = reverse("engagement:own_data_csv")
FIND = reverse("engagement:privacy_requests")
EXPORT = reverse("engagement:privacy_export")


@pytest.fixture
def person(organisation, survey):
    """An account holder who signed up to a session and answered a survey while signed in."""
    user = UserFactory(email="sam@example.org", first_name="Sam", last_name="Jones")
    focus_group = FocusGroupFactory(organisation=organisation)
    sign_up(
        focus_group,
        name="Sam Jones",
        email=user.email,
        user=user,
        phone="07700 900123",
        access_needs='=HYPERLINK("http://evil.example")',
        consent_record=True,
    )
    survey_answer(survey, user=user)
    return user


def test_a_person_downloads_everything_held_about_them_as_json(client, person):
    client.force_login(person)
    response = client.get(OWN_JSON)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    data = json.loads(response.content)

    assert data["profile"]["email"] == "sam@example.org"
    assert data["profile"]["pseudonym"] == str(person.pseudonym)
    purposes = {(c["purpose"], c["version"]) for c in data["consents"]}
    assert purposes == {("take-part", 1), ("record", 1), ("survey", 1)}
    assert all(c["wording"].startswith("I agree") for c in data["consents"])
    [registration] = data["registrations"]
    assert registration["phone"] == "07700 900123" and registration["agreed_to_recording"]
    [answers] = data["survey_answers"]
    assert ANSWER in json.dumps(answers)
    assert data["segments"], "the segments built from the answer are included"
    assert all(segment["in_analysis"] for segment in data["segments"])
    assert "bus only comes once an hour" in " ".join(s["text"] for s in data["segments"])
    assert data["conversation_logs"]["records"] == []
    events = {entry["event"] for entry in data["audit_entries"]}
    assert "registration.created" in events

    event = AuditEvent.objects.get(action="privacy.own_data_exported")
    assert event.actor == person and event.target_id == str(person.pk)
    assert event.detail == {"format": "json"}


def test_the_csv_download_is_the_same_data_and_safe_to_open(client, person):
    client.force_login(person)
    response = client.get(OWN_CSV)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "record", "field", "value"]
    by_field = {(row[0], row[2]): row[3] for row in rows[1:]}
    assert by_field[("profile", "email")] == "sam@example.org"
    assert by_field[("registrations", "phone")] == "07700 900123"
    # A value that a spreadsheet would run as a formula is neutralised.
    assert by_field[("registrations", "access_needs")].startswith("'=HYPERLINK")
    sections = {row[0] for row in rows[1:]}
    assert {"profile", "consents", "registrations", "survey_answers", "segments"} <= sections
    assert AuditEvent.objects.filter(
        action="privacy.own_data_exported", detail__format="csv"
    ).exists()


def test_the_account_page_offers_the_downloads(client, person):
    client.force_login(person)
    html = client.get(reverse("account_overview")).content.decode()
    assert OWN_JSON in html and OWN_CSV in html


def test_a_person_sees_only_their_own_data(client, person):
    client.force_login(UserFactory(email="someone@example.org"))
    data = json.loads(client.get(OWN_JSON).content)
    assert data["registrations"] == [] and data["survey_answers"] == []
    assert data["segments"] == []
    assert "sam@example.org" not in json.dumps(data)


@pytest.fixture
def guest(organisation, survey):
    """Someone without an account: a guest sign-up and a survey answer that left an email."""
    focus_group = FocusGroupFactory(organisation=organisation)
    registration = sign_up(focus_group, name="Alex Guest", email="Alex@Example.org")
    response = survey_answer(survey, contact_email="alex@example.org")
    return {"registration": registration, "response": response, "email": "alex@example.org"}


def test_a_lead_finds_what_is_held_against_an_email_address(client, lead, guest):
    client.force_login(lead)
    assert client.get(FIND).status_code == 200
    response = client.post(FIND, {"email": " ALEX@example.org "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Session sign-ups" in html and "Download as JSON" in html and "Erase" in html
    event = AuditEvent.objects.get(action="privacy.subject_searched")
    assert event.actor == lead
    assert event.detail == {
        "subject_ref": subject_ref("alex@example.org"),
        "account": 0,
        "registrations": 1,
        "survey_responses": 1,
    }
    assert "alex@example.org" not in audit_details_text().lower()


def test_a_lead_downloads_a_guests_data_for_a_subject_access_request(client, lead, guest):
    client.force_login(lead)
    response = client.post(EXPORT, {"email": guest["email"], "format": "json"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"] is None
    assert [r["name"] for r in data["registrations"]] == ["Alex Guest"]
    assert data["survey_answers"][0]["contact_email"] == "alex@example.org"
    assert data["segments"] and {c["purpose"] for c in data["consents"]} == {"take-part", "survey"}
    csv_response = client.post(EXPORT, {"email": guest["email"], "format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    events = AuditEvent.objects.filter(action="privacy.subject_exported").order_by("pk")
    assert [e.detail["format"] for e in events] == ["json", "csv"]
    assert all(e.actor == lead and e.detail["subject_ref"] for e in events)
    assert "alex@example.org" not in audit_details_text().lower()


def test_an_unknown_email_finds_nothing(client, lead, guest):
    client.force_login(lead)
    html = client.post(FIND, {"email": "nobody@example.org"}).content.decode()
    assert "Nothing is held against that email address" in html


def test_an_invalid_email_is_explained(client, lead):
    client.force_login(lead)
    html = client.post(FIND, {"email": "not an email"}).content.decode()
    assert "govuk-error-summary" in html and "Error:" in html


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.ASSOCIATE])
def test_only_leads_and_administrators_act_on_requests(client, guest, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.post(EXPORT, {"email": guest["email"], "format": "json"}).status_code == 403
    assert client.post(FIND, {"email": guest["email"]}).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="privacy.").exists()


def test_partners_cannot_search_by_email(client, guest, organisation):
    client.force_login(partner_of(organisation))
    assert client.post(FIND, {"email": guest["email"]}).status_code == 403


def test_leads_and_administrators_see_the_menu_entry(client, lead, admin_user, associate):
    for user, shown in ((lead, True), (admin_user, True), (associate, False)):
        client.force_login(user)
        html = client.get(reverse("work:dashboard")).content.decode()
        assert (FIND in html) is shown, user
