"""Consent withdrawal propagates within one task run: the person's segments leave analysis at
once, the live report (cached figures included) no longer counts or quotes them, and every
published report snapshot that could show them is rebuilt by one task, its old revisions gone."""

import json

import pytest
from django.urls import reverse

from engagement.models import AuditEvent
from insights.models import Segment
from pages.reports import (
    ThemeReportPage,
    refresh_withdrawn_snapshots,
    snapshots_affected_by_withdrawal,
)
from tests.factories import UserFactory
from tests.insights.reports_data import make_theme, people_say

from .support import ANSWER, code_segments_of, survey_answer

pytestmark = pytest.mark.django_db

REPORT = reverse("insights:report")


@pytest.fixture
def evidence(survey):
    """Six other people and one survey respondent say things coded 'transport'; the
    respondent's words are flagged as a quote."""
    transport = make_theme("transport", label="Transport")
    people_say(transport, 6)
    user = UserFactory()
    response = survey_answer(survey, user=user)
    code_segments_of(response, transport)
    return {"user": user, "response": response, "theme": transport}


def _publish(home, lead, segment_filter=None, title="What people told us"):
    return ThemeReportPage.publish_from_report(
        parent=home,
        title=title,
        segment_filter=segment_filter or {},
        include_quotes=True,
        user=lead,
    )


def _transport(page) -> dict:
    return {theme["key"]: theme for theme in page.snapshot["themes"]}["transport"]


def test_withdrawing_consent_rebuilds_affected_snapshots_in_one_task(
    client, lead, home, evidence, django_capture_on_commit_callbacks
):
    everything = _publish(home, lead)
    # A report about employers only: the respondent's words were never in it.
    employers = _publish(home, lead, {"stakeholder_group": "employer"}, title="Employers")
    employers_taken = employers.snapshot_taken_at
    assert _transport(everything)["people"]["value"] == 7
    assert ANSWER in json.dumps(everything.snapshot)
    client.force_login(lead)
    live = client.get(REPORT).content.decode()  # the live report, counted (and cached)
    assert ANSWER in live

    client.force_login(evidence["user"])
    url = reverse("account_survey_withdraw", args=[evidence["response"].public_id])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302

    # Out of analysis at once.
    assert (
        not Segment.objects.in_analysis()
        .from_source("survey", evidence["response"].public_id)
        .exists()
    )
    # The affected snapshot was rebuilt without the words and without its old revisions.
    everything.refresh_from_db()
    assert _transport(everything)["people"]["value"] == 6
    assert ANSWER not in json.dumps(everything.snapshot)
    assert everything.revisions.count() == 1
    assert ANSWER not in json.dumps(everything.revisions.get().content)
    client.force_login(lead)
    assert ANSWER not in client.get(everything.url).content.decode()
    # The unaffected one was left alone.
    employers.refresh_from_db()
    assert employers.snapshot_taken_at == employers_taken
    refreshed = AuditEvent.objects.filter(action="report.snapshot_refreshed")
    assert [event.target_id for event in refreshed] == [str(everything.pk)]
    # Nothing is left for a second run to do.
    assert snapshots_affected_by_withdrawal() == []

    # The live report (and whatever it cached) no longer counts or quotes the words.
    assert ANSWER not in client.get(REPORT).content.decode()


def test_erasing_a_guest_also_rebuilds_snapshots(
    client, lead, home, survey, django_capture_on_commit_callbacks
):
    transport = make_theme("transport", label="Transport")
    people_say(transport, 6)
    response = survey_answer(survey, contact_email="alex@example.org")
    code_segments_of(response, transport)
    page = _publish(home, lead)
    assert _transport(page)["people"]["value"] == 7

    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("engagement:privacy_erase"), {"email": "alex@example.org", "confirm": "on"}
        )
    page.refresh_from_db()
    assert _transport(page)["people"]["value"] == 6
    assert ANSWER not in json.dumps(page.snapshot)


def test_the_task_refreshes_every_snapshot_touched_since_it_was_taken(lead, home, evidence):
    page = _publish(home, lead)
    assert refresh_withdrawn_snapshots.call() == 0  # nothing withdrawn yet
    Segment.objects.from_source("survey", evidence["response"].public_id).update(
        withdrawn_at=page.snapshot_taken_at
    )
    result = refresh_withdrawn_snapshots.enqueue()
    assert result.return_value == 1
    page.refresh_from_db()
    assert _transport(page)["people"]["value"] == 6
    assert refresh_withdrawn_snapshots.call() == 0  # a second run finds nothing to do
