"""Options and criteria pages (adding, changing, deleting), evidence on scores, stakeholder
support counts, and the weight-by-weight breakdown."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from engagement.models import AuditEvent
from insights.models import AppraisalVersion, Criterion, Option
from insights.services import appraisal_data

from .reports_data import code, make_segment, make_theme, people_say


@pytest.fixture
def decisions(reference_data):
    call_command("load_decision_data", verbosity=0)


@pytest.fixture
def appraisal(decisions, lead):
    options = Option.objects.filter(key__in=["prep-over-50s", "early-navigators-primary-care"])
    return appraisal_data.create_appraisal(lead, "Test appraisal", "", options)


def edit_urls():
    option = Option.objects.get(key="prep-over-50s")
    criterion = Criterion.objects.get(key="feasibility")
    view = [
        reverse("insights:options"),
        reverse("insights:option", args=[option.key]),
        reverse("insights:criteria"),
    ]
    manage = [
        reverse("insights:option_add"),
        reverse("insights:option_edit", args=[option.key]),
        reverse("insights:criterion_add"),
        reverse("insights:criterion_edit", args=[criterion.key]),
        reverse("insights:option_delete", args=[option.key]),
        reverse("insights:criterion_delete", args=[criterion.key]),
    ]
    return view, manage


def test_who_may_see_and_change_options_and_criteria(client, decisions, request):
    view, manage = edit_urls()
    for url in view + manage:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    for who in ("resident", "partner"):
        client.force_login(request.getfixturevalue(who))
        for url in view + manage:
            assert client.get(url).status_code == 403, (who, url)
    for who in ("associate", "admin_user"):
        client.force_login(request.getfixturevalue(who))
        for url in view:
            assert client.get(url).status_code == 200, (who, url)
        for url in manage:
            assert client.get(url).status_code == 403, (who, url)
            assert client.post(url, {"title": "x", "name": "x"}).status_code == 403, (who, url)
    client.force_login(request.getfixturevalue("lead"))
    for url in view + manage:
        assert client.get(url).status_code == 200, url


def test_lead_adds_and_edits_an_option_with_themes(client, decisions, lead):
    theme, candidate = make_theme("zz-confidence"), make_theme("zz-idea", status="candidate")
    client.force_login(lead)
    data = {
        "title": "Peer mentoring for carers",
        "pillar": "prevention",
        "description": "Carers mentor carers.",
        "estimated_cost": "-5",
        "evidence": "Small pilot.",
        "themes": [theme.pk],
    }
    response = client.post(reverse("insights:option_add"), data)
    assert response.status_code == 200
    assert "cannot be below zero" in response.content.decode()
    assert response.context["form"]["title"].value() == "Peer mentoring for carers"
    assert not Option.objects.filter(title="Peer mentoring for carers").exists()
    # Candidate themes cannot be linked: only approved themes give support.
    data.update(estimated_cost="120000", themes=[theme.pk, candidate.pk])
    response = client.post(reverse("insights:option_add"), data)
    assert response.status_code == 200 and "themes" in response.context["form"].errors
    data["themes"] = [theme.pk]
    response = client.post(reverse("insights:option_add"), data)
    option = Option.objects.get(title="Peer mentoring for carers")
    assert response["Location"] == reverse("insights:option", args=[option.key])
    assert option.key == "peer-mentoring-for-carers" and option.estimated_cost == 120000
    assert list(option.themes.all()) == [theme]
    data.update(title="Peer mentoring for unpaid carers", themes=[])
    client.post(reverse("insights:option_edit", args=[option.key]), data)
    option.refresh_from_db()
    assert option.title == "Peer mentoring for unpaid carers" and option.key == (
        "peer-mentoring-for-carers"
    )
    assert not option.themes.exists()


def test_lead_adds_and_edits_a_criterion(client, decisions, lead):
    client.force_login(lead)
    url = reverse("insights:criterion_add")
    bad = {"name": "Fit with local plans", "default_weight": "150", "direction": "benefit"}
    response = client.post(url, bad)
    assert "from 0 to 100" in response.content.decode()
    assert not Criterion.objects.filter(name="Fit with local plans").exists()
    client.post(url, {**bad, "default_weight": "2"})
    added = Criterion.objects.get(name="Fit with local plans")
    assert added.source == Criterion.Source.SCORED and added.default_weight == 2
    others = Criterion.objects.exclude(pk=added.pk)
    assert added.sort_order == max(c.sort_order for c in others) + 1
    support = Criterion.objects.get(source=Criterion.Source.STAKEHOLDER_SUPPORT)
    client.post(
        reverse("insights:criterion_edit", args=[support.key]),
        {"name": support.name, "default_weight": "3", "direction": "benefit"},
    )
    support.refresh_from_db()
    # Editing keeps it computed.
    assert support.default_weight == 3 and support.source == Criterion.Source.STAKEHOLDER_SUPPORT


def test_lead_deletes_an_option_and_a_criterion_no_appraisal_uses(client, decisions, lead):
    option = Option.objects.get(key="prep-over-50s")
    criterion = Criterion.objects.create(key="fit-with-plans", name="Fit with local plans")
    client.force_login(lead)
    option_url = reverse("insights:option_delete", args=[option.key])
    page = client.get(option_url)
    assert page.status_code == 200 and "No appraisal uses this option" in page.content.decode()
    assert Option.objects.filter(pk=option.pk).exists()  # asking is not deleting
    response = client.post(option_url)
    assert response["Location"] == reverse("insights:options")
    assert not Option.objects.filter(key="prep-over-50s").exists()
    response = client.post(reverse("insights:criterion_delete", args=[criterion.key]))
    assert response["Location"] == reverse("insights:criteria")
    assert not Criterion.objects.filter(key="fit-with-plans").exists()
    events = AuditEvent.objects.filter(actor=lead, action__startswith="decisions.").order_by("pk")
    assert [(e.action, e.detail["key"]) for e in events] == [
        ("decisions.option_deleted", "prep-over-50s"),
        ("decisions.criterion_deleted", "fit-with-plans"),
    ]
    assert client.post(option_url).status_code == 404  # a second click finds nothing to delete


def test_an_option_or_criterion_an_appraisal_uses_is_kept(client, appraisal, lead):
    client.force_login(lead)
    option = Option.objects.get(key="prep-over-50s")
    criterion = Criterion.objects.get(key="feasibility")
    for url in (
        reverse("insights:option_delete", args=[option.key]),
        reverse("insights:criterion_delete", args=[criterion.key]),
    ):
        page = client.get(url).content.decode()
        assert "cannot be deleted yet" in page and "Test appraisal" in page
        assert reverse("insights:appraisal", args=[appraisal.pk]) in page
        assert 'type="submit"' not in page
        assert client.post(url).status_code == 409
    assert Option.objects.filter(pk=option.pk).exists()
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    assert not AuditEvent.objects.filter(action__endswith="_deleted").exists()


@override_settings(EHL_SMALL_NUMBER_THRESHOLD=5)
def test_option_page_counts_supporters_and_hides_small_numbers(client, decisions, lead):
    option = Option.objects.get(key="prep-over-50s")
    theme, other = make_theme("zz-over-50s"), make_theme("zz-second")
    option.themes.add(theme, other)
    people_say(theme, 3)  # person-0 .. person-2
    people_say(other, 3, start=2)  # person-2 .. person-4: 5 distinct people in all
    code(make_segment("person-98", withdrawn_at="2026-01-01T00:00Z"), theme)
    code(make_segment("person-97"), theme, status="suggested")
    client.force_login(lead)
    url = reverse("insights:option", args=[option.key])
    assert "5 people" in client.get(url).content.decode()
    other.status = "retired"
    other.save()
    html = client.get(url).content.decode()
    assert "fewer than 5 people" in html and "3 people" not in html
    listing = client.get(reverse("insights:options")).content.decode()
    assert "fewer than 5 people" in listing


def test_scores_carry_evidence_themes_and_links(client, appraisal, lead):
    theme = make_theme("zz-evidence", label="Employers want support")
    candidate = make_theme("zz-maybe", status="candidate")
    need = Criterion.objects.get(key="population-need")
    client.force_login(lead)
    url = reverse("insights:appraisal_score", args=[appraisal.pk, "prep-over-50s"])
    # Evidence without a score is refused; so is a bad link and an unapproved theme.
    response = client.post(url, {f"t{need.pk}": [theme.pk], f"u{need.pk}": "not a link"})
    errors = response.context["form"].errors
    assert f"s{need.pk}" in errors and f"u{need.pk}" in errors
    assert not appraisal.scores.exists()
    response = client.post(url, {f"s{need.pk}": "4", f"t{need.pk}": [candidate.pk]})
    assert f"t{need.pk}" in response.context["form"].errors
    data = {
        f"s{need.pk}": "4",
        f"r{need.pk}": "Big cohort.",
        f"t{need.pk}": [theme.pk],
        f"u{need.pk}": "https://example.org/need",
    }
    assert client.post(url, data).status_code == 302
    score = appraisal.scores.get(criterion=need)
    assert list(score.evidence_themes.all()) == [theme]
    assert score.evidence_url == "https://example.org/need"
    theme_url = reverse("insights:codebook_theme", args=[theme.key])
    for page in ("insights:appraisal", "insights:appraisal_report"):
        html = client.get(reverse(page, args=[appraisal.pk])).content.decode()
        assert theme_url in html and "Employers want support" in html, page
        assert "https://example.org/need" in html, page
    # The form shows what is linked; frozen versions keep it.
    form = client.get(url).context["form"]
    assert form[f"t{need.pk}"].value() == [theme.pk]
    client.post(reverse("insights:appraisal_freeze", args=[appraisal.pk]), {"note": ""})
    saved = AppraisalVersion.objects.get(appraisal=appraisal).snapshot["scores"]
    row = next(s for s in saved if s["criterion"] == "population-need" and s["score"] == 4)
    assert row["evidence_themes"] == ["Employers want support"]
    assert row["evidence_url"] == "https://example.org/need"


def test_report_breaks_the_total_down_weight_by_weight(client, appraisal, lead):
    # Only two criteria weighted: need 3, feasibility 1 (normalised 0.75 and 0.25).
    appraisal.weights.exclude(criterion__key__in=["population-need", "feasibility"]).update(
        weight=0
    )
    appraisal.weights.filter(criterion__key="population-need").update(weight=3)
    appraisal.weights.filter(criterion__key="feasibility").update(weight=1)
    for key, need, feasible in (("prep-over-50s", 4, 2), ("early-navigators-primary-care", 2, 4)):
        option = Option.objects.get(key=key)
        for criterion_key, value in (("population-need", need), ("feasibility", feasible)):
            appraisal_data.record_score(
                appraisal, option, Criterion.objects.get(key=criterion_key), lead, value
            )
    from insights.services.appraisal_words import describe

    words = describe(appraisal_data.state(appraisal, draws=50))
    first = words["breakdown"][0]
    assert first["option"].key == "prep-over-50s" and first["rank"] == 1
    cells = {c["criterion"].key: c for c in first["cells"]}
    # 0.75 × 4 = 3.0 and 0.25 × 2 = 0.5: total 3.5
    assert cells["population-need"]["contribution"] == pytest.approx(3.0)
    assert cells["feasibility"]["contribution"] == pytest.approx(0.5)
    assert cells["population-need"]["weight"] == pytest.approx(0.75)
    assert first["total"] == pytest.approx(3.5)
    client.force_login(lead)
    html = client.get(reverse("insights:appraisal_report", args=[appraisal.pk])).content.decode()
    assert 'id="breakdown"' in html and "Weight by weight" in html and "3.00" in html
