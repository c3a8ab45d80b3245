"""On a phone the work-area menu folds away behind one "Work area menu" toggle, so a page's own
heading is on the first screen; on a wide screen the whole menu shows, with no toggle."""

import pytest

from engagement.roles import Role
from tests.factories import UserFactory

from .conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_menu_folds_away_on_a_phone_and_opens_from_its_toggle(page):
    lead = UserFactory(roles=[Role.LEAD], email="lead@example.org", first_name="Robin")
    sign_in(page, lead)

    page.set_viewport_size({"width": 375, "height": 667})
    page.goto("/work/")
    codebook = page.get_by_role("navigation", name="Work area").get_by_role("link", name="Codebook")
    assert not codebook.is_visible()
    heading = page.locator("h1").bounding_box()
    assert heading["y"] + heading["height"] < 667 / 2, heading  # in the top half of the screen
    assert_accessible(page)

    page.get_by_text("Work area menu", exact=True).click()
    assert codebook.is_visible()
    codebook.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/codebook/**")
    assert page.locator("h1").inner_text() == "Codebook"

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/work/")
    nav = page.get_by_role("navigation", name="Work area")
    assert nav.get_by_role("link", name="Codebook").is_visible()
    assert not page.locator(".app-work-nav__toggle").is_visible()
    assert not page.console_errors, page.console_errors
