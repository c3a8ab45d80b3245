"""A person signs in and walks the public site and the work area in a real browser."""

import pytest

from engagement.roles import Role
from tests.factories import UserFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def verified_lead(reference_data):
    user = UserFactory(email="lead@example.org", first_name="Robin", roles=[Role.LEAD])
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    return user


def test_home_page_is_accessible_and_styled(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Economies for Healthier Lives"
    # The stylesheet loaded: GOV.UK's header has its dark background.
    header = page.locator(".govuk-generic-header")
    background = header.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"
    # GOV.UK Frontend's JavaScript ran (it marks the body once initialised).
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")
    assert_accessible(page)
    assert not page.console_errors, page.console_errors


def test_sign_in_reaches_the_work_area(page, verified_lead):
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    assert_accessible(page)
    page.get_by_label("Email").fill("lead@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/work/")
    assert page.locator("h1").inner_text() == "Welcome, Robin"
    assert_accessible(page)

    page.get_by_role("link", name="Codebook").first.click()
    assert page.locator("h1").inner_text() == "Codebook"
    assert page.locator(".govuk-summary-card").count() > 10
    assert_accessible(page)
    assert not page.console_errors, page.console_errors


def test_a_wrong_password_shows_an_accessible_error_summary(page, verified_lead):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("lead@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign In").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "not correct" in summary.inner_text()
    assert_accessible(page)
