"""An associate works through the review queue in a real browser: accepts a suggestion with the
keyboard and another with a click, adds a code by searching for a theme, flags a powerful
quote and moves on, with axe checks on every page."""

import pytest

from engagement.roles import Role
from insights.models import Code, SegmentReview
from tests.factories import UserFactory
from tests.insights.review_support import TEXTS, make_codebook, make_segment, suggest

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/work/")


def test_an_associate_reviews_suggestions_with_keyboard_and_mouse(page):
    associate = UserFactory(roles=[Role.ASSOCIATE], email="associate@example.org")
    associate.emailaddress_set.create(email=associate.email, verified=True, primary=True)
    themes = make_codebook()
    first = make_segment(TEXTS["transport"][0], source_id="log-1", position=1)
    make_segment("What gets in the way of work?", source_id="log-1", position=0, codable=False)
    suggest(first, themes["transport"], 0.35, origin="rule", reason="matched 'bus'")
    suggest(first, themes["anxiety"], 0.2)
    second = make_segment(TEXTS["childcare"][0])
    suggest(second, themes["childcare"], 0.6)

    sign_in(page, associate.email)
    page.goto("/work/review/")
    page.wait_for_url(f"**/work/review/segments/{first.pk}/")
    assert page.locator("h1").inner_text() == "Review a segment"
    assert "matched 'bus'" in page.content()
    assert page.get_by_text("What gets in the way of work?").is_visible()
    assert page.get_by_role("heading", name="Keyboard shortcuts").is_visible()
    assert_accessible(page)

    # "a" accepts the first suggestion (the most likely theme).
    with page.expect_navigation():
        page.keyboard.press("a")
    transport = Code.objects.get(segment=first, theme=themes["transport"])
    assert transport.status == Code.Status.ACCEPTED and transport.decided_by == associate
    assert "Accepted Transport." in page.content()

    # A click accepts the other one.
    with page.expect_navigation():
        page.get_by_role("button", name="Accept Mental health").click()
    assert Code.objects.get(segment=first, theme=themes["anxiety"]).status == "accepted"
    assert_accessible(page)

    # Add a code: "t" jumps to the theme search, typing narrows the list, Enter adds it.
    page.keyboard.press("t")
    page.keyboard.type("child")
    assert page.get_by_label("Theme to add").input_value() == str(themes["childcare"].pk)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    added = Code.objects.get(segment=first, theme=themes["childcare"])
    assert added.origin == Code.Origin.PERSON and added.coder == associate

    # "q" flags the segment as a powerful quote.
    page.locator("body").focus()
    with page.expect_navigation():
        page.keyboard.press("q")
    assert SegmentReview.objects.get(segment=first).powerful_quote
    assert page.locator(".govuk-tag", has_text="Powerful quote").is_visible()
    assert_accessible(page)

    # "d" settles the segment and moves on to the next one in the queue.
    with page.expect_navigation():
        page.keyboard.press("d")
    page.wait_for_url(f"**/work/review/segments/{second.pk}/")
    assert SegmentReview.objects.get(segment=first).reviewed_by == associate
    assert_accessible(page)

    # Shortcuts can be switched off (WCAG 2.1.4), and then "a" does nothing.
    page.get_by_label("Use keyboard shortcuts").uncheck()
    page.locator("body").focus()
    page.keyboard.press("a")
    page.wait_for_timeout(300)
    assert Code.objects.get(segment=second).status == Code.Status.SUGGESTED
    assert page.console_errors == []
