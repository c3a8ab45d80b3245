"""A programme lead runs an options appraisal in a real browser, with axe checks."""

import pytest
from django.core.management import call_command

from engagement.roles import Role
from insights.models import AppraisalScore, AppraisalVersion, Option
from tests.factories import UserFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lead_scores_options_and_saves_a_version(page):
    call_command("load_reference_data", verbosity=0)
    call_command("load_decision_data", verbosity=0)
    lead = UserFactory(roles=[Role.LEAD], email="lead@example.org")
    lead.set_password("correct horse battery")
    lead.save()
    lead.emailaddress_set.create(email=lead.email, verified=True, primary=True)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("lead@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/work/")

    page.goto("/work/decisions/appraisals/")
    assert_accessible(page)
    page.get_by_role("link", name="Start an appraisal").click()
    # Only one option: an error summary, and the title typed is kept.
    page.get_by_label("Title").fill("Redesign 2026")
    page.get_by_label("Specialist return-to-work programme for over-50s").check()
    page.get_by_role("button", name="Start").click()
    assert "at least two options" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert page.get_by_label("Title").input_value() == "Redesign 2026"
    page.get_by_label("Health and employment navigators in primary care").check()
    page.get_by_role("button", name="Start").click()
    assert_accessible(page)

    page.get_by_role("link", name="Score Specialist return-to-work programme for over-50s").click()
    page.get_by_label("Population need addressed: score (0 to 5)").select_option("5")
    page.get_by_label("Population need addressed: why this score").fill("Large cohort.")
    page.get_by_label("Cost: score (0 to 5)").select_option("1")
    assert_accessible(page)
    page.get_by_role("button", name="Save scores").click()

    page.get_by_role("link", name="Score Health and employment navigators in primary care").click()
    page.get_by_label("Population need addressed: score (0 to 5)").select_option("2")
    page.get_by_role("button", name="Save scores").click()

    ranking = page.locator("#ranking").inner_text()
    assert ranking.index("Specialist return-to-work") < ranking.index("navigators")
    assert "ranks first" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("What changed (optional)").fill("First scores")
    page.get_by_role("button", name="Save a version").click()
    assert "Saved as version 1" in page.locator("main").inner_text()
    assert AppraisalVersion.objects.get().created_by == lead
    assert AppraisalScore.objects.filter(scored_by=lead).count() == 3

    page.get_by_role("link", name="Printable report").click()
    report = page.locator("main").inner_text()
    assert "Weighted ranking" in report and "Weight by weight" in report
    assert "Large cohort." in report
    assert_accessible(page)

    # An option the appraisal uses cannot be deleted; one nobody uses can, after a confirmation.
    page.goto("/work/decisions/options/prep-over-50s/")
    page.get_by_role("link", name="Delete this option").click()
    assert "cannot be deleted yet" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="Redesign 2026").is_visible()
    assert_accessible(page)
    page.goto("/work/decisions/options/prev-benefit-revert/")
    page.get_by_role("link", name="Delete this option").click()
    assert_accessible(page)
    page.get_by_role("button", name="Delete option").click()
    page.wait_for_url("**/work/decisions/options/")
    assert "deleted" in page.locator("main").inner_text()
    assert not Option.objects.filter(key="prev-benefit-revert").exists()
