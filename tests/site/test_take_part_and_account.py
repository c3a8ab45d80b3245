"""What a resident finds on first use: the home page's button and the take-part page lead to
sessions and surveys, the account page lists their own sign-ups with a way to manage them, the
deletion texts say what deletion does, and a survey's thank-you page names a contact."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from engagement.models import ConsentStatement, Registration, SurveyResponse
from engagement.roles import Role
from tests.factories import FocusGroupFactory, UserFactory, make_survey_page, sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_pages(db):
    from demo.loaders import load_pages

    load_pages()


def test_the_home_pages_main_button_goes_to_the_sessions(client, demo_pages):
    html = client.get("/").content.decode()
    button = html[html.index("govuk-button--start") - 200 : html.index("govuk-button--start")]
    assert 'href="/sessions/"' in button


def test_the_take_part_page_lists_sessions_and_surveys_open_now(client, demo_pages, consents):
    soon = FocusGroupFactory(title="Back to work after cancer")
    FocusGroupFactory(title="Long gone", starts_at=timezone.now() - timedelta(days=3))
    FocusGroupFactory(title="Not yet published", status="draft")
    survey = make_survey_page(title="Work and health survey")
    html = client.get("/take-part/").content.decode()
    assert f'href="{soon.get_absolute_url()}"' in html and "Back to work after cancer" in html
    assert "Long gone" not in html and "Not yet published" not in html
    assert f'href="{survey.url}"' in html
    assert 'href="/sessions/"' in html


def test_the_take_part_page_says_so_when_nothing_is_open(client, demo_pages):
    html = client.get("/take-part/").content.decode()
    assert "There are no sessions coming up just now" in html
    assert "There is no survey open just now" in html


def test_the_account_page_lists_the_residents_own_sign_ups_with_a_way_to_manage_them(
    client, consents
):
    resident = UserFactory(roles=[Role.RESIDENT], email="sam@example.org")
    resident.emailaddress_set.create(email=resident.email, verified=True, primary=True)
    coming = FocusGroupFactory(title="Coming up soon")
    signed_in = sign_up(coming, name="Sam", email="sam@example.org", user=resident)
    as_guest = sign_up(FocusGroupFactory(title="Signed up as a guest"), email="SAM@example.org")
    cancelled = sign_up(FocusGroupFactory(title="Changed my mind"), user=resident)
    cancelled.status = Registration.Status.CANCELLED
    cancelled.save()
    past = FocusGroupFactory(title="Last month's session")
    Registration.objects.filter(pk=sign_up(past, user=resident).pk).update(attended=True)
    type(past).objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30, hours=-2),
    )
    sign_up(FocusGroupFactory(title="Someone else's"), email="other@example.org")

    from engagement.links import registration_link

    client.force_login(resident)
    html = client.get("/accounts/profile/").content.decode()
    assert "Coming up soon" in html and "Signed up as a guest" in html
    assert registration_link(signed_in) in html and registration_link(as_guest) in html
    assert "Changed my mind" in html and registration_link(cancelled) not in html
    assert "Last month&#x27;s session" in html and "you came" in html
    assert "Someone else" not in html

    # The link is the one the emails carry: it opens the page that changes or cancels the place.
    manage = client.get(registration_link(signed_in)).content.decode()
    assert "Cancel my place" in manage


def test_a_guest_sign_up_with_an_unverified_email_is_not_listed(client, consents):
    resident = UserFactory(roles=[Role.RESIDENT], email="sam@example.org")
    sign_up(FocusGroupFactory(title="Signed up as a guest"), email="sam@example.org")
    client.force_login(resident)
    assert "Signed up as a guest" not in client.get("/accounts/profile/").content.decode()


def _deletion_text(html: str) -> str:
    start = html.index("Deleting your account:")
    return html[start : html.index("</p>", html.index("We keep only", start))]


def test_both_deletion_texts_say_the_same_and_it_is_what_deletion_does(client, consents):
    resident = UserFactory(roles=[Role.RESIDENT], email="sam@example.org")
    client.force_login(resident)
    overview = _deletion_text(client.get("/accounts/profile/").content.decode())
    confirm = _deletion_text(client.get("/accounts/delete/").content.decode())
    assert overview == confirm
    assert "stays only in a form" not in confirm

    # "cancels your places at sessions that have not happened yet, and removes your contact
    # details and access needs from all your sign-ups"
    registration = sign_up(
        FocusGroupFactory(), user=resident, email=resident.email, access_needs="A quiet room"
    )
    # "deletes the survey answers you gave while signed in"
    survey = make_survey_page()
    answer = SurveyResponse.objects.create(
        page=survey,
        user=resident,
        form_data={"what_would_help": "Flexible hours"},
        consent=ConsentStatement.current("survey"),
        submission_key=uuid.uuid4(),
    )
    from engagement.services.accounts import account_delete

    account_delete(user=resident)
    registration.refresh_from_db()
    answer.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert registration.access_needs == "" and "sam" not in registration.email
    assert answer.form_data == {} and answer.consent_withdrawn_at is not None


def test_the_survey_thank_you_page_names_a_contact(client, consents, settings):
    settings.EHL_CONTACT_EMAIL = "listening@ehl.example.org"
    survey = make_survey_page()
    response = client.post(
        survey.url,
        {
            "what_would_help_you_find_or_stay_in_work": "A manager who understood",
            "are_you_in_work_now": "No",
            "ehl_consent": "on",
            "ehl_submission_key": str(uuid.uuid4()),
        },
    )
    html = response.content.decode()
    assert "Thank you" in html
    assert 'href="mailto:listening@ehl.example.org"' in html
    assert "Work and health survey" in html
    assert 'href="/take-part/">contact the programme team' not in html
