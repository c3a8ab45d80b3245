"""First use, as the issue that found these tried it: a resident who signs in lands on their own
account, and the administrator can open the site editor's pages and edit one. In a real
browser, with axe checks on our own pages."""

import re

import pytest

from engagement.roles import Role
from pages.models import HomePage
from tests.factories import UserFactory

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_who_signs_in_lands_on_their_account_not_a_refusal(page):
    resident = UserFactory(roles=[Role.RESIDENT], email="resident@example.org")
    sign_in(page, resident, landing="**/accounts/profile/")
    assert page.locator("h1").inner_text() == "Your account"
    assert "resident@example.org" in page.content()
    assert "403" not in page.title() and "Forbidden" not in page.content()
    assert_accessible(page)
    assert not page.console_errors, page.console_errors

    # Going to the work area by hand sends them back to their account too.
    page.goto("/work/")
    assert page.url.endswith("/accounts/profile/")


def test_the_administrator_opens_the_site_editors_pages_and_edits_one(page):
    admin = UserFactory(roles=[Role.ADMIN], email="admin@example.org")
    sign_in(page, admin)
    page.get_by_role("link", name="Site editor").first.click()
    page.wait_for_url("**/admin/")

    home = HomePage.objects.get()
    response = page.goto("/admin/pages/")
    assert response.status == 200
    assert "Economies for Healthier Lives" in page.content()

    response = page.goto(f"/admin/pages/{home.pk}/edit/")
    assert response.status == 200
    title = page.locator("#id_title")
    title.fill("Economies for Healthier Lives: take part")
    page.get_by_role("button", name=re.compile(r"^Save draft")).click()
    page.wait_for_load_state("networkidle")
    revision = HomePage.objects.get().get_latest_revision()
    assert revision.as_object().title == "Economies for Healthier Lives: take part"
    assert revision.user == admin


def test_a_resident_goes_from_the_home_page_to_a_session_and_manages_it_from_their_account(
    page, consents
):
    from demo.loaders import load_pages
    from engagement.models import Registration
    from tests.factories import FocusGroupFactory, make_survey_page, sign_up

    load_pages()
    session = FocusGroupFactory(title="Working with long COVID")
    make_survey_page(title="Work and health survey")

    page.goto("/")
    page.get_by_role("button", name="Find a session near you").click()
    page.wait_for_url("**/sessions/")
    assert page.get_by_role("link", name="Working with long COVID").count() == 1
    assert_accessible(page)

    page.goto("/take-part/")
    assert page.get_by_role("link", name="Working with long COVID").is_visible()
    assert page.get_by_role("link", name="Work and health survey").is_visible()
    assert_accessible(page)

    resident = UserFactory(roles=[Role.RESIDENT], email="jamie@example.org")
    registration = sign_up(session, name="Jamie", email="jamie@example.org", user=resident)
    sign_in(page, resident, landing="**/accounts/profile/")
    table = page.locator("table", has_text="Working with long COVID")
    assert "Confirmed" in table.inner_text()
    assert_accessible(page)
    table.get_by_role("link", name="Change or cancel your place at Working with long COVID").click()
    page.get_by_role("button", name="Cancel my place").click()
    assert "You have cancelled your place." in page.content()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED

    page.goto("/accounts/profile/")
    assert "Cancelled" in page.locator("table", has_text="Working with long COVID").inner_text()
    assert page.get_by_role("link", name=re.compile("Change or cancel")).count() == 0
    assert not page.console_errors, page.console_errors
