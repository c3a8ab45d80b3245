"""The codebook workbench in a real browser, with axe checks: a lead watches a discovery run
finish (the progress script reloads the page), approves a candidate with the keyboard, and
previews an import."""

import pytest
from django.utils import timezone

from engagement.roles import Role
from insights.models import DiscoveryRun, Theme
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import UserFactory
from tests.insights.codebook_support import make_segments, make_theme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead_user(site_tree):
    user = UserFactory(roles=[Role.LEAD], email="lead@example.org")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    return user


def test_a_lead_watches_a_run_finish_and_approves_a_candidate(page, lead_user):
    transport = make_theme("Transport")
    make_theme("Buses", parent=transport)
    run = DiscoveryRun.objects.create(
        status=DiscoveryRun.Status.RUNNING, done=20, total=61, started_by=lead_user
    )
    sign_in(page, lead_user)

    page.goto(f"/work/codebook/discovery/{run.pk}/")
    assert "32% done" in page.get_by_role("status").inner_text()
    assert_accessible(page)
    # The worker finishes: the page notices on its own and shows the candidates.
    quotes = make_segments(["The bus fare is four pounds each way", "No bus after six"])
    candidate = make_theme(
        "Bus and fares",
        status=Theme.Status.CANDIDATE,
        origin=Theme.Origin.DISCOVERED,
        definition="",
        key_terms=["bus", "fares"],
        size=14,
        discovery_run=run,
        nearest_theme=transport,
        nearest_similarity=0.58,
    )
    candidate.representative_segments.set(quotes)
    DiscoveryRun.objects.filter(pk=run.pk).update(
        status=DiscoveryRun.Status.DONE, done=61, segments_used=60, finished_at=timezone.now()
    )
    page.get_by_role("heading", name="Candidate themes").wait_for(timeout=15_000)
    assert "The bus fare is four pounds each way" in page.content()
    assert_accessible(page)

    # Approve with the keyboard only, forgetting the definition at first.
    page.get_by_role("link", name="Approve Bus and fares").click()
    page.get_by_label("Name").fill("Bus fares")
    page.get_by_role("button", name="Approve theme").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    assert "Write a definition before approving the theme" in summary.inner_text()
    assert_accessible(page)
    page.get_by_label("Definition").fill("Fares cost too much to get to work.")
    page.get_by_label("Sits under").select_option(label="Transport")
    page.get_by_role("button", name="Approve theme").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/work/codebook/themes/{candidate.key}/")
    assert "is approved" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    candidate.refresh_from_db()
    assert candidate.status == Theme.Status.APPROVED and candidate.parent == transport

    page.goto("/work/codebook/")
    assert "Approved “Bus fares” under “Transport”" in page.content()
    assert_accessible(page)
    page.goto(f"/work/codebook/themes/{candidate.key}/split/")
    assert_accessible(page)
    page.goto("/work/codebook/discovery/")
    assert_accessible(page)
    assert not page.console_errors


def test_a_lead_previews_an_import(page, lead_user, tmp_path):
    make_theme("Transport")
    sign_in(page, lead_user)
    page.goto("/work/codebook/import/")
    assert_accessible(page)
    bad = tmp_path / "codebook.csv"
    bad.write_text("key,label,kind\ntransport,Transport,villain\n", encoding="utf-8")
    page.get_by_label("Codebook file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    assert "Row 2: kind “villain”" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    good = tmp_path / "codebook2.csv"
    good.write_text("key,label\ntransport,Transport and travel\nhousing,Housing\n", "utf-8")
    page.get_by_label("Codebook file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    assert "1 theme to add, 1 to change" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/work/codebook/?status=candidate")
    assert Theme.objects.get(key="housing").status == Theme.Status.CANDIDATE
    assert not page.console_errors
