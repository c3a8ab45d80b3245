"""A resident finds a session, signs up, confirms by email, cancels; a person on the waiting
list takes up the freed place from the offer email. In a real browser, with axe checks."""

import re

import pytest
from django.core import mail

from engagement.models import Registration
from tests.factories import FocusGroupFactory, sign_up

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def _path_in(message, marker: str) -> str:
    """The path of the first link in the email that contains `marker`."""
    paths = re.findall(r"https?://[^/\s]+(/\S*)", message.body)
    return next(path for path in paths if marker in path)


def test_find_sign_up_confirm_and_cancel(page, consents, live_server):
    focus_group = FocusGroupFactory(title="Working with long COVID", capacity=1)
    page.goto("/sessions/")
    assert_accessible(page)
    page.get_by_role("link", name="Working with long COVID").click()
    assert_accessible(page)
    page.get_by_role("button", name="Sign up").click()
    assert_accessible(page)

    # A mistake first: the error summary names it and nothing typed is lost.
    page.get_by_label("Your name").fill("Jamie Example")
    page.get_by_label("Email address").fill("jamie@example")
    page.get_by_label("Is there anything that would help you take part?").fill("Step-free access")
    page.get_by_role("button", name="Sign up").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Tell us you agree to take part" in summary.inner_text()
    assert page.get_by_label("Is there anything that would help you take part?").input_value() == (
        "Step-free access"
    )
    assert_accessible(page)

    page.get_by_label("Email address").fill("jamie@example.org")
    page.get_by_label("I agree to take part").check()
    page.get_by_role("button", name="Sign up").click()
    assert page.locator(".govuk-panel__title").inner_text() == "Your place is confirmed"
    assert_accessible(page)

    page.goto(_path_in(mail.outbox[-1], "/confirm/"))
    page.get_by_role("button", name="Confirm my email address").click()
    assert "Your email address is confirmed." in page.content()
    assert Registration.objects.get(email="jamie@example.org").email_verified

    page.get_by_role("button", name="Cancel my place").click()
    assert "You have cancelled your place." in page.content()
    assert_accessible(page)
    assert Registration.objects.get(email="jamie@example.org").status == "cancelled"
    assert focus_group.registrations.filter(status="confirmed").count() == 0


def test_a_waiting_list_offer_is_accepted_from_the_email(page, consents):
    focus_group = FocusGroupFactory(capacity=1)
    holder = sign_up(focus_group, 1)
    waiting = sign_up(focus_group, 2)
    from engagement.services.registrations import registration_cancel

    mail.outbox.clear()
    registration_cancel(registration=holder)
    offer = next(m for m in mail.outbox if m.to == [waiting.email])
    page.goto(_path_in(offer, "/sessions/r/"))
    assert "Offered a place" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Accept the place").click()
    assert "You have accepted the place" in page.content()
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
