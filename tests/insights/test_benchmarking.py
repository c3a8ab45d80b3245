"""Benchmarking: suggested evidence counts (suppressed), heatmap wording, assessments."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from insights.models import Assessment, CoreQuestion, Programme
from insights.services import benchmarking

from .reports_data import code, make_segment, make_theme, people_say


@pytest.fixture
def decisions(reference_data):
    call_command("load_decision_data", verbosity=0)


def test_suggested_evidence_counts_distinct_people_by_group_and_suppresses(decisions):
    question = CoreQuestion.objects.get(key="evidence-informed-support")
    theme = make_theme("zz-ips-helps")
    theme.core_questions.add(question)
    people_say(theme, 6, segments_each=2)  # 6 residents, 12 segments
    people_say(theme, 2, start=10, stakeholder_group="employer")
    code(make_segment("person-50", codable=False), theme)  # not in analysis
    make_theme("zz-draft", status="candidate").core_questions.add(question)
    suggested = {s.theme.key: s for s in benchmarking.suggested_evidence(question)}
    assert "zz-draft" not in suggested
    found = suggested["zz-ips-helps"]
    assert found.people.value == 8
    groups = dict(found.by_group)
    assert groups["Employer"].text == "fewer than 5"
    # 8 - 6 would reveal the employers, so residents are hidden too.
    assert groups["Resident"].value is None


def test_heatmap_tells_weak_from_no_evidence_in_words(client, decisions, lead):
    programme = Programme.objects.get(key="knowsley-works")
    question = CoreQuestion.objects.get(number=1)
    Assessment.objects.create(programme=programme, question=question, rating="weak")
    client.force_login(lead)
    html = client.get(reverse("insights:benchmarking") + "?area=place:knowsley").content.decode()
    assert "Weak" in html and "No evidence" in html and "●○○" in html
    _questions, rows = benchmarking.heatmap(benchmarking.programmes_in("place:knowsley"))
    assert [r.programme.key for r in rows] == ["knowsley-works"]
    assert [c["rating"] for c in rows[0].cells][:2] == ["weak", "none"]
    assert len(benchmarking.programmes_in("sub-region:cheshire-and-warrington")) >= 5


def test_lead_saves_an_assessment_with_evidence(client, decisions, lead):
    question = CoreQuestion.objects.get(number=2)
    segment = make_segment("p9")
    client.force_login(lead)
    url = reverse("insights:assessment_edit", args=["knowsley-works", question.key])
    response = client.post(
        url,
        {
            "rating": "partial",
            "narrative": "Some measures.",
            "quote_ids": str(segment.pk),
            "documents_text": "Annual report | https://example.org/report",
        },
    )
    assert response.status_code == 302
    saved = Assessment.objects.get(programme__key="knowsley-works", question=question)
    assert saved.rating == "partial" and saved.assessed_by == lead
    assert list(saved.quotes.all()) == [segment]
    assert saved.documents == [{"title": "Annual report", "url": "https://example.org/report"}]
    bad = client.post(url, {"rating": "weak", "documents_text": "no link here", "quote_ids": "x"})
    assert bad.status_code == 200
    assert "Line 1" in bad.content.decode() and "whole numbers" in bad.content.decode()
    saved.refresh_from_db()
    assert saved.rating == "partial"
