"""Decision instruments: who may reach each page, the appraisal flow, versions and support."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from insights.models import Appraisal, AppraisalVersion, Criterion, Option, Programme
from insights.services import appraisal_data

from .reports_data import code, make_segment, make_theme, people_say


@pytest.fixture
def decisions(reference_data):
    call_command("load_decision_data", verbosity=0)


@pytest.fixture
def appraisal(decisions, lead):
    options = Option.objects.filter(key__in=["prep-over-50s", "early-navigators-primary-care"])
    return appraisal_data.create_appraisal(lead, "Test appraisal", "", options)


def urls(appraisal):
    programme = Programme.objects.get(key="knowsley-works")
    question = programme.assessments.model._meta.get_field("question").related_model
    q = question.objects.first()
    pk = appraisal.pk
    view = [
        reverse("insights:decisions"),
        reverse("insights:servicemap"),
        reverse("insights:servicemap_coverage"),
        reverse("insights:servicemap_export"),
        reverse("insights:programme", args=[programme.key]),
        reverse("insights:benchmarking"),
        reverse("insights:benchmarking_report") + "?area=place:knowsley",
        reverse("insights:appraisals"),
        reverse("insights:appraisal", args=[pk]),
        reverse("insights:appraisal_report", args=[pk]),
        reverse("insights:equity"),
    ]
    manage = [
        reverse("insights:programme_add"),
        reverse("insights:programme_edit", args=[programme.key]),
        reverse("insights:servicemap_import"),
        reverse("insights:assessment_edit", args=[programme.key, q.key]),
        reverse("insights:appraisal_add"),
        reverse("insights:appraisal_weights", args=[pk]),
        reverse("insights:appraisal_score", args=[pk, "prep-over-50s"]),
        reverse("insights:equity_census_upload"),
        reverse("insights:equity_extract_upload"),
    ]
    return view, manage


def test_anonymous_people_are_sent_to_sign_in(client, appraisal):
    view, manage = urls(appraisal)
    for url in view + manage:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


@pytest.mark.parametrize("who", ["resident", "partner"])
def test_residents_and_partners_are_refused(client, appraisal, request, who):
    client.force_login(request.getfixturevalue(who))
    view, manage = urls(appraisal)
    for url in view + manage:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("who", ["associate", "admin_user"])
def test_associates_and_admins_view_but_do_not_edit(client, appraisal, request, who):
    client.force_login(request.getfixturevalue(who))
    view, manage = urls(appraisal)
    for url in view:
        assert client.get(url).status_code == 200, url
    for url in manage:
        assert client.get(url).status_code == 403, url
    freeze = reverse("insights:appraisal_freeze", args=[appraisal.pk])
    assert client.post(freeze).status_code == 403


def test_leads_reach_everything(client, appraisal, lead):
    client.force_login(lead)
    view, manage = urls(appraisal)
    for url in view + manage:
        assert client.get(url).status_code == 200, url


def test_lead_scores_ranks_and_freezes_a_version(client, appraisal, lead):
    client.force_login(lead)
    scored = {c.key: c for c in Criterion.objects.filter(source="scored")}
    for option, values in (("prep-over-50s", 4), ("early-navigators-primary-care", 2)):
        data = {f"s{c.pk}": str(values) for c in scored.values()}
        data[f"r{scored['population-need'].pk}"] = "Large need in every Place."
        url = reverse("insights:appraisal_score", args=[appraisal.pk, option])
        assert client.post(url, data).status_code == 302
    score = appraisal.scores.get(option__key="prep-over-50s", criterion__key="population-need")
    assert score.scored_by == lead and score.rationale == "Large need in every Place."
    page = client.get(reverse("insights:appraisal", args=[appraisal.pk]))
    assert "ranks first" in page.content.decode()
    # A rationale without a score is refused, and nothing else is saved.
    bad = {f"r{scored['feasibility'].pk}": "Because.", f"s{scored['feasibility'].pk}": ""}
    response = client.post(
        reverse("insights:appraisal_score", args=[appraisal.pk, "prep-over-50s"]), bad
    )
    assert response.status_code == 200 and "Give a score" in response.content.decode()
    response = client.post(
        reverse("insights:appraisal_freeze", args=[appraisal.pk]), {"note": "First"}
    )
    assert response.status_code == 302
    version = AppraisalVersion.objects.get(appraisal=appraisal)
    assert version.number == 1 and version.created_by == lead
    people = {s["scored_by"] for s in version.snapshot["scores"] if s["criterion"] == "feasibility"}
    assert people == {lead.get_full_name() or lead.email}
    assert version.snapshot["ranking"]["options"]
    assert (
        client.get(reverse("insights:appraisal_version", args=[appraisal.pk, 1])).status_code == 200
    )


def test_weights_must_not_all_be_zero(client, appraisal, lead):
    client.force_login(lead)
    data = {f"w{w.criterion_id}": "0" for w in appraisal.weights.all()}
    response = client.post(reverse("insights:appraisal_weights", args=[appraisal.pk]), data)
    assert "At least one criterion" in response.content.decode()
    data[f"w{appraisal.weights.first().criterion_id}"] = "2"
    assert (
        client.post(reverse("insights:appraisal_weights", args=[appraisal.pk]), data).status_code
        == 302
    )


def test_stakeholder_support_is_the_share_of_people_on_the_options_themes(appraisal):
    theme, other = make_theme("zz-over-50s"), make_theme("zz-transport")
    people_say(theme, 6)  # person-0 .. person-5
    people_say(other, 4, start=6)  # person-6 .. person-9: 10 people heard from
    withdrawn = make_segment("person-99", withdrawn_at="2026-01-01T00:00Z")
    code(withdrawn, theme)  # withdrawn: not counted
    code(make_segment("person-98", codable=False), theme)  # a facilitator's turn: not counted
    option = Option.objects.get(key="prep-over-50s")
    option.themes.add(theme)
    support = appraisal_data.stakeholder_support([option])[option.pk]
    assert (support.people, support.heard_from) == (6, 10)
    assert support.score == 3.0 and support.text == "60% of people heard from"
    state = appraisal_data.state(appraisal, draws=50)
    assert state.scores[("prep-over-50s", "stakeholder-support")] == 3.0


def test_appraisal_needs_two_options(client, decisions, lead):
    client.force_login(lead)
    option = Option.objects.first()
    response = client.post(
        reverse("insights:appraisal_add"), {"title": "X", "options": [option.pk]}
    )
    assert "at least two options" in response.content.decode()
    assert not Appraisal.objects.exists()


def test_loading_decision_data_twice_keeps_edits(decisions):
    Programme.objects.filter(key="knowsley-works").update(name="Knowsley Works (edited)")
    call_command("load_decision_data", verbosity=0)
    assert Programme.objects.get(key="knowsley-works").name == "Knowsley Works (edited)"
    assert Option.objects.count() == 14 and Criterion.objects.count() == 7
