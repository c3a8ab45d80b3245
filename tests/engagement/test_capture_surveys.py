"""Residents answering a survey: consent, anonymity, demographics kept apart, abuse protection,
and analysed answers becoming segments."""

import re
import uuid

import pytest
from django.core.cache import cache

from engagement.models import SurveyDemographics, SurveyResponse
from insights.models import Segment
from tests.factories import PlaceFactory, UserFactory, make_survey_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(db):
    return make_survey_page()


def _answers(**extra):
    data = {
        "what_would_help_you_find_or_stay_in_work": "Flexible hours would help. Call me on "
        "07700 900123 if you want to know more about it.",
        "are_you_in_work_now": "No",
        "ehl_consent": "on",
        "ehl_submission_key": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def test_the_survey_page_renders_its_questions_and_agreement(client, survey):
    html = client.get(survey.url).content.decode()
    assert "What would help you find or stay in work?" in html
    assert "I agree" in html and "About you (optional)" in html


def test_an_anonymous_answer_is_stored_with_its_consent_and_becomes_redacted_segments(
    client, survey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(survey.url, _answers(ehl_age_band="35-49", ehl_sex="female"))
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()

    stored = SurveyResponse.objects.get()
    assert stored.anonymous and stored.user is None and stored.contact_email == ""
    assert stored.consent.purpose == "survey" and stored.consent.version == 1
    # The 'about you' answers are stored, but with no link to the response.
    demographics = SurveyDemographics.objects.get()
    assert demographics.age_band == "35-49" and demographics.month.day == 1
    assert not hasattr(demographics, "response")

    segments = list(Segment.objects.from_source("survey", stored.public_id))
    assert segments, "the analysed answer became segments"
    text = " ".join(segment.text for segment in segments)
    assert "07700" not in text and "[PHONE]" in text
    assert all(segment.stakeholder_group == "resident" for segment in segments)
    assert {segment.person_key for segment in segments} == {str(stored.public_id)}


def test_the_place_a_respondent_gives_reaches_their_segments(
    client, survey, django_capture_on_commit_callbacks
):
    place = PlaceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(survey.url, _answers(ehl_place=str(place.pk)))
    assert SurveyResponse.objects.get().place == place
    assert {segment.place for segment in Segment.objects.all()} == {place}


def test_a_survey_for_one_place_answers_for_that_place(client, django_capture_on_commit_callbacks):
    home, elsewhere = PlaceFactory(), PlaceFactory()
    survey = make_survey_page(place=home, slug="local-survey", title="Local survey")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(survey.url, _answers(ehl_place=str(elsewhere.pk)))
    assert {segment.place for segment in Segment.objects.all()} == {home}


def test_a_signed_in_resident_who_does_not_choose_anonymity_is_linked(client, survey):
    user = UserFactory()
    client.force_login(user)
    client.post(survey.url, _answers())
    stored = SurveyResponse.objects.get()
    assert stored.user == user and not stored.anonymous
    assert stored.person_key == str(user.pseudonym)


def test_a_double_submitted_form_stores_one_response(client, survey):
    data = _answers()
    client.post(survey.url, data)
    client.post(survey.url, data)
    assert SurveyResponse.objects.count() == 1


def test_missing_consent_shows_an_error_summary_and_keeps_the_answers(client, survey):
    data = _answers()
    del data["ehl_consent"]
    html = client.post(survey.url, data).content.decode()
    assert "govuk-error-summary" in html
    assert "Tell us you agree to your answers being used" in html
    assert "Flexible hours would help." in html
    assert SurveyResponse.objects.count() == 0


def test_an_overlong_answer_is_refused_with_a_clear_message(client, survey):
    html = client.post(
        survey.url, _answers(what_would_help_you_find_or_stay_in_work="x" * 5001)
    ).content.decode()
    assert "Keep your answer under 5,000 characters" in html
    assert SurveyResponse.objects.count() == 0


def test_the_honeypot_stores_nothing_but_looks_normal(client, survey):
    response = client.post(survey.url, _answers(website="http://spam.example"))
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_submissions_are_rate_limited_per_client(client, survey, settings):
    cache.clear()
    for _ in range(30):
        client.post(survey.url, _answers())
    html = client.post(survey.url, _answers()).content.decode()
    assert "Wait an hour and try again" in html
    assert SurveyResponse.objects.count() == 30


def test_a_guest_who_leaves_an_email_is_kept_for_contact_but_linked_to_no_account(client, survey):
    client.post(survey.url, _answers(ehl_email="guest@example.org"))
    stored = SurveyResponse.objects.get()
    assert stored.user is None and not stored.anonymous
    assert stored.contact_email == "guest@example.org"


def test_leads_see_results_and_export_answers_without_contact_details(client, survey, lead):
    client.post(survey.url, _answers(ehl_email="someone@example.org"))
    client.force_login(lead)
    html = client.get(f"/work/surveys/{survey.pk}/").content.decode()
    assert "Flexible hours would help." in html
    # One person answered "No": the count is suppressed, and so is the total it would give away.
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">fewer than 5</td>' in html
    assert "Fewer than 5 responses" in html
    csv = client.get(f"/work/surveys/{survey.pk}/export.csv").content.decode()
    assert "Flexible hours would help." in csv and "someone@example.org" not in csv
    xlsx = client.get(f"/work/surveys/{survey.pk}/export.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def _stored_answers(survey, *answers):
    from engagement.models import ConsentStatement

    for answer in answers:
        SurveyResponse.objects.create(
            page=survey,
            form_data={} if answer is None else {"are_you_in_work_now": answer},
            anonymous=True,
            consent=ConsentStatement.current("survey"),
        )


ROW = re.compile(
    r'<td class="govuk-table__cell">([^<]*)</td>'
    r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>'
)


def _cells(html: str) -> list[tuple[str, str]]:
    """(answer, people) for every row of the first table of answers."""
    return ROW.findall(html)


def test_no_small_count_can_be_worked_out_from_the_total_of_responses(client, survey, lead):
    from tests.factories import make_consents

    make_consents()
    _stored_answers(survey, *["No"] * 8, "Yes", "Yes")
    client.force_login(lead)
    html = client.get(f"/work/surveys/{survey.pk}/").content.decode()
    assert "10 responses" in html
    # 10 - 8 would give the 2 who said "Yes": "No" is hidden too.
    assert _cells(html) == [("No", "not shown"), ("Yes", "fewer than 5")]


def test_people_who_skipped_a_question_are_counted_among_its_figures(client, survey, lead):
    from tests.factories import make_consents

    make_consents()
    _stored_answers(survey, *["No"] * 6, *["Yes"] * 5, None, None)
    client.force_login(lead)
    html = client.get(f"/work/surveys/{survey.pk}/").content.decode()
    # 13 - 6 - 5 would give the 2 who did not answer: the smaller of the others is hidden too.
    assert _cells(html) == [("No", "6"), ("Yes", "not shown"), ("No answer", "fewer than 5")]

    client.get("/work/surveys/")
    listing = client.get("/work/surveys/").content.decode()
    assert ">13<" in listing


def test_an_answer_spelled_none_is_an_answer(client, survey, lead):
    from tests.factories import make_consents

    make_consents()
    _stored_answers(survey, *["None"] * 5, *["No"] * 5)
    client.force_login(lead)
    html = client.get(f"/work/surveys/{survey.pk}/").content.decode()
    assert sorted(_cells(html)) == [("No", "5"), ("None", "5")]


def test_the_survey_list_hides_a_small_number_of_responses(client, survey, lead):
    from tests.factories import make_consents

    make_consents()
    _stored_answers(survey, "No", "Yes")
    client.force_login(lead)
    listing = client.get("/work/surveys/").content.decode()
    assert "fewer than 5" in listing and ">2<" not in listing


def test_partners_cannot_see_survey_results(client, survey, organisation):
    from tests.factories import partner_of

    client.force_login(partner_of(organisation))
    assert client.get(f"/work/surveys/{survey.pk}/").status_code == 403


def test_a_respondent_stops_their_answers_being_used_from_their_account(
    client, survey, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(survey.url, _answers())
    response = SurveyResponse.objects.get()
    assert Segment.objects.in_analysis().exists()

    overview = client.get("/accounts/profile/").content.decode()
    assert "Work and health survey" in overview
    # Nobody else can withdraw someone's answers.
    client.force_login(UserFactory())
    url = f"/accounts/survey-answers/{response.public_id}/withdraw/"
    assert client.post(url).status_code == 404

    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    response.refresh_from_db()
    assert response.consent_withdrawn_at is not None
    assert not Segment.objects.in_analysis().exists()


def test_deleting_an_account_takes_its_survey_answers_out_of_analysis(
    client, survey, django_capture_on_commit_callbacks
):
    from engagement.services.accounts import account_delete

    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(survey.url, _answers())
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=user)
    assert not Segment.objects.in_analysis().exists()
    assert SurveyResponse.objects.get().user is None
