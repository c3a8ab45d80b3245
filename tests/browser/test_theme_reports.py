"""A programme lead reads a theme report, follows a figure to its segments, publishes a snapshot,
and a partner reads it: in a real browser, with axe checks and no console (CSP) errors."""

import re

import pytest

from engagement.roles import Role
from pages.reports import ThemeReportPage
from tests.factories import OrganisationFactory, UserFactory, partner_of
from tests.insights.reports_data import make_theme, people_say

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lead_reads_a_report_and_publishes_it_for_partners(page):
    health = make_theme("health", label="Health conditions")
    mental = make_theme("mental-health", label="Mental health", parent=health)
    transport = make_theme("transport", label="Transport")
    stigma = make_theme("stigma", label="Stigma")
    people_say(mental, 8, round_number=1)
    people_say(transport, 6, start=10, round_number=1)
    people_say(transport, 7, start=20, round_number=2)
    people_say(stigma, 3, start=40, round_number=2)
    # Hidden too, so that stigma's three cannot be worked out from round 2's total.
    people_say(make_theme("caring", label="Caring"), 5, start=50, round_number=2)
    lead = UserFactory(roles=[Role.LEAD], email="lead@example.org")
    sign_in(page, lead)

    page.goto("/work/reports/")
    assert page.locator("h1").inner_text() == "Theme report"
    assert page.locator("svg[role=img]").count() >= 2
    assert "fewer than 5" in page.content()
    assert_accessible(page)

    # A bad filter: explained, and what was typed is kept.
    page.get_by_label("From").fill("2026-05-01")
    page.get_by_role("textbox", name="To").fill("2026-01-01")
    page.get_by_role("button", name="Show report").click()
    assert "end date" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("From").input_value() == "2026-05-01"
    assert_accessible(page)

    page.goto("/work/reports/?round_number=2")
    behind = re.compile(r"^7\W+see the segments behind this figure \(Transport\)")
    page.get_by_role("link", name=behind).first.click()
    assert "Transport" in page.locator("h1").inner_text()
    assert "7 segments" in page.content()
    assert_accessible(page)

    page.goto("/work/reports/")
    page.get_by_role("link", name="Publish for partners").click()
    assert_accessible(page)
    page.get_by_role("button", name="Publish report").click()
    assert "Enter a title" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Title of the published report").fill("What people told us this year")
    page.get_by_label(re.compile(r"\(home page\)")).check()
    page.get_by_label("Include quotes").check()
    page.get_by_role("button", name="Publish report").click()
    assert page.locator("h1").inner_text() == "What people told us this year"
    assert_accessible(page)
    assert not page.console_errors
    assert ThemeReportPage.objects.get().include_quotes

    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    partner = partner_of(OrganisationFactory(), email="host@example.org")
    sign_in(page, partner)
    page.goto(ThemeReportPage.objects.get().url)
    assert "Transport" in page.content() and "fewer than 5" in page.content()
    assert "/work/reports/segments/" not in page.content()
    assert_accessible(page)
    assert not page.console_errors
