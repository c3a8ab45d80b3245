"""Programme deletion (confirmed, assessments deleted explicitly) and assessment history."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from insights.models import Assessment, AssessmentRevision, CoreQuestion, Programme


@pytest.fixture
def decisions(reference_data):
    call_command("load_decision_data", verbosity=0)


def save(client, question, rating, narrative):
    url = reverse("insights:assessment_edit", args=["knowsley-works", question.key])
    return client.post(url, {"rating": rating, "narrative": narrative})


def test_every_saved_assessment_is_kept_with_who_and_when(client, decisions, lead, associate):
    question = CoreQuestion.objects.get(number=1)
    client.force_login(lead)
    assert save(client, question, "weak", "First look.").status_code == 302
    assert save(client, question, "partial", "After the roundtable.").status_code == 302
    assessment = Assessment.objects.get(programme__key="knowsley-works", question=question)
    revisions = list(assessment.revisions.order_by("number"))
    assert [(r.number, r.rating, r.saved_by) for r in revisions] == [
        (1, "weak", lead),
        (2, "partial", lead),
    ]
    assert revisions[0].snapshot["narrative"] == "First look." and revisions[0].saved_at
    # A refused save adds no version.
    save(client, question, "excellent", "Bad rating.")
    assert assessment.revisions.count() == 2
    client.force_login(associate)
    html = client.get(reverse("insights:programme", args=["knowsley-works"])).content.decode()
    assert 'id="history"' in html and "After the roundtable." in html
    assert html.index("Partial") < html.index("First look.")  # newest first
    assert "Delete this programme" not in html


def test_who_may_delete_a_programme(client, decisions, request):
    url = reverse("insights:programme_delete", args=["knowsley-works"])
    assert "login" in client.get(url)["Location"]
    for who in ("resident", "partner", "associate", "admin_user"):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url).status_code == 403, who
        assert client.post(url).status_code == 403, who
    assert Programme.objects.filter(key="knowsley-works").exists()


def test_deleting_an_assessed_programme_needs_confirming(client, decisions, lead):
    question = CoreQuestion.objects.get(number=1)
    client.force_login(lead)
    save(client, question, "weak", "Look.")
    url = reverse("insights:programme_delete", args=["knowsley-works"])
    page = client.get(url).content.decode()
    assert "1 benchmarking assessment" in page and "deletes it" in page
    response = client.post(url, {})
    assert "Tick the box" in response.content.decode()
    assert Programme.objects.filter(key="knowsley-works").exists()
    response = client.post(url, {"confirm": "on"})
    assert response["Location"] == reverse("insights:servicemap")
    assert not Programme.objects.filter(key="knowsley-works").exists()
    assert not Assessment.objects.filter(programme__key="knowsley-works").exists()
    assert not AssessmentRevision.objects.exists()
    assert CoreQuestion.objects.filter(pk=question.pk).exists()


def test_a_programme_never_assessed_is_deleted_after_one_confirmation(client, decisions, lead):
    client.force_login(lead)
    url = reverse("insights:programme_delete", args=["knowsley-works"])
    assert "no benchmarking assessments" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Programme.objects.filter(key="knowsley-works").exists()
