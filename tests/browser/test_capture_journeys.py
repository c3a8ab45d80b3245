"""A resident answers a survey, and a partner uploads a transcript and checks its speakers, in a
real browser with axe checks."""

import pytest

from engagement.models import SurveyResponse, Transcript
from insights.models import Segment
from tests.factories import FocusGroupFactory, make_survey_page, partner_of

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

ZOOM_VTT = (
    "WEBVTT\n\n1\n00:00:02.000 --> 00:00:06.000\nAlex Host: What would help you stay in work?\n\n"
    "2\n00:00:07.000 --> 00:00:15.000\nMorgan Lee: Being able to start later on the days my "
    "medication makes me drowsy. Ring me on 0151 496 0000 if you need more.\n"
)


def test_a_resident_answers_a_survey_anonymously(page, consents):
    survey = make_survey_page()
    page.goto(survey.url)
    assert_accessible(page)
    # Forgetting to agree: an error summary, and what was written is kept.
    page.get_by_label("What would help you find or stay in work?").fill(
        "Someone to talk to at work when my condition flares up."
    )
    page.get_by_role("button", name="Send your answers").click()
    assert "Tell us you agree" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert (
        "flares up" in page.get_by_label("What would help you find or stay in work?").input_value()
    )

    page.get_by_label("I agree").check()
    page.locator("summary", has_text="About you (optional)").click()
    page.get_by_label("35 to 49").check()
    page.get_by_role("button", name="Send your answers").click()
    assert page.locator(".govuk-panel__title").inner_text() == "Thank you"
    assert_accessible(page)
    response = SurveyResponse.objects.get()
    assert response.anonymous and response.user is None


def test_a_partner_uploads_a_zoom_transcript_and_checks_the_speakers(
    page, consents, organisation, tmp_path
):
    focus_group = FocusGroupFactory(organisation=organisation, status="completed")
    partner = partner_of(organisation, email="host@example.org")
    partner.set_password("correct horse battery")
    partner.save()
    partner.emailaddress_set.create(email=partner.email, verified=True, primary=True)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("host@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/work/")

    page.goto(f"/work/focus-groups/{focus_group.public_id}/")
    page.get_by_role("link", name="Upload a transcript").click()
    assert_accessible(page)
    # A file that is not a transcript: a clear message, nothing stored.
    bad = tmp_path / "minutes.pdf"
    bad.write_bytes(b"%PDF-1.4")
    page.get_by_label("Title").fill("Evening session")
    page.get_by_label("Transcript file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    assert (
        "Upload a .txt, .docx, .vtt or .srt file"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    assert not Transcript.objects.exists()

    good = tmp_path / "zoom.vtt"
    good.write_text(ZOOM_VTT)
    page.get_by_label("Transcript file").set_input_files(str(good))
    page.get_by_label("Facilitators' names as they appear in the file").fill("Alex Host")
    page.get_by_role("button", name="Upload").click()
    assert page.locator("h1").inner_text() == "Evening session"
    assert "Participant 1" in page.content() and "Morgan Lee" not in page.content()
    assert_accessible(page)
    segment = Segment.objects.get(codable=True)
    assert "[PHONE]" in segment.text and "0151" not in segment.text
