"""The smaller first-use defects of issue 19, each held to account: labels that say "optional"
only for what is, no "---------" radios, the benchmarking form's error summary where it is seen,
field names in words in review, and attendance offered only on the day."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from engagement.models import FocusGroup
from engagement.roles import Role
from insights.models import CoreQuestion, Segment
from tests.factories import FocusGroupFactory, UserFactory, sign_up
from tests.insights.reports_data import make_segment

pytestmark = pytest.mark.django_db


def _label(html: str, field_id: str) -> str:
    found = re.search(rf'<(?:label|legend)[^>]*for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    assert found, field_id
    return found.group(1)


def test_a_field_required_in_some_cases_is_not_labelled_optional(client, organisation, consents):
    from tests.factories import partner_of

    client.force_login(partner_of(organisation))
    html = client.get(reverse("engagement:focus_group_create")).content.decode()
    assert "(optional)" not in _label(html, "id_venue_address")
    assert "Needed for an in-person session." in html
    # A field that really is optional still says so.
    assert "(optional)" in _label(html, "id_signup_deadline")

    client.force_login(UserFactory(roles=[Role.ASSOCIATE]))
    html = client.get(reverse("engagement:conversation_create")).content.decode()
    for name in ("effect_on_work", "effect_on_home", "what_would_help", "condition_other"):
        assert "(optional)" not in _label(html, f"id_{name}"), name
    assert "Write down at least one of" in html


def test_radios_never_offer_the_blank_dashes(client, organisation, consents, lead, reference_data):
    from tests.factories import partner_of

    call_command("load_decision_data", verbosity=0)
    session = FocusGroupFactory(organisation=organisation)
    partner = partner_of(organisation)
    pages = [
        (partner, reverse("engagement:focus_group_create")),
        (partner, reverse("engagement:claim_create", args=[session.public_id])),
        (lead, reverse("insights:programme_add")),
        (lead, reverse("insights:option_add")),
        (lead, reverse("insights:criterion_add")),
    ]
    for user, url in pages:
        client.force_login(user)
        html = client.get(url).content.decode()
        radios = re.findall(r'class="govuk-label govuk-radios__label"[^>]*>(.*?)</label>', html)
        assert radios, url
        assert not [label for label in radios if "---" in label], (url, radios)


@pytest.fixture
def decisions(reference_data):
    call_command("load_decision_data", verbosity=0)


def test_the_benchmarking_forms_error_summary_is_at_the_top(client, decisions, lead):
    question = CoreQuestion.objects.get(number=2)
    client.force_login(lead)
    url = reverse("insights:assessment_edit", args=["knowsley-works", question.key])
    html = client.post(url, {"rating": "weak", "quote_ids": "x"}).content.decode()
    assert html.count("govuk-error-summary__title") == 1
    assert html.index("govuk-error-summary") < html.index("Suggested evidence")
    assert "whole numbers" in html[: html.index("Suggested evidence")]

    html = client.get(reverse("insights:benchmarking"), {"area": "nowhere"}).content.decode()
    assert "govuk-error-summary" in html


def test_review_names_the_part_of_the_record_in_words(client, lead):
    segment = make_segment(source_part="effect_on_work")
    client.force_login(lead)
    html = client.get(reverse("insights:review_segment", args=[segment.pk])).content.decode()
    assert "effect_on_work" not in html
    assert "Effect on working life" in html

    turn = make_segment(
        source_type=Segment.SourceType.TRANSCRIPT, source_part="turn:3", person_key="p2"
    )
    html = client.get(reverse("insights:review_segment", args=[turn.pk])).content.decode()
    assert "turn:3" not in html and "Turn 4" in html


def test_attendance_is_offered_only_from_the_day_of_the_session(client, organisation, consents):
    from tests.factories import partner_of

    session = FocusGroupFactory(organisation=organisation)
    came = sign_up(session, 1)
    client.force_login(partner_of(organisation))
    manage = reverse("engagement:focus_group_manage", args=[session.public_id])
    attendance = reverse("engagement:focus_group_attendance", args=[session.public_id])
    html = client.get(manage).content.decode()
    assert "Mark attendance" not in html and "You can mark who came from" in html
    html = client.get(attendance).content.decode()
    assert "Tick everyone who came" not in html and "on the day of the session" in html

    FocusGroup.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() + timedelta(hours=2),
        ends_at=timezone.now() + timedelta(hours=4),
    )
    assert "Mark attendance" in client.get(manage).content.decode()
    assert "Tick everyone who came" in client.get(attendance).content.decode()
    client.post(attendance, {"present": [str(came.pk)]})
    came.refresh_from_db()
    assert came.attended is True
