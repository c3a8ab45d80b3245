"""Rate limits on every public form that can be hammered: sign-in, account sign-up, password
reset (allauth's own limits, switched off elsewhere in the suite), survey answers and guest
sign-ups to sessions (engagement/ratelimit.py). A locked-out person is told the same thing
whether or not the email address has an account."""

import re
import uuid

import pytest
from django.urls import reverse

from ehl.settings import base as base_settings
from engagement.accounts import LOCKOUT_MESSAGE
from engagement.models import Registration, SurveyResponse
from engagement.ratelimit import client_address, rate_limited
from tests.factories import UserFactory, make_survey_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def allauth_limits(settings):
    """The production limits (the test settings switch them off)."""
    settings.ACCOUNT_RATE_LIMITS = base_settings.ACCOUNT_RATE_LIMITS


def _errors(html: str) -> str:
    """The text of the error summary, whitespace collapsed."""
    match = re.search(r'class="govuk-error-summary".*?</div>\s*</div>', html, re.S)
    assert match, "the page shows an error summary"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def _sign_in(client, email, password="wrong password 123", address="192.0.2.10"):  # noqa: S107
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_failed_sign_ins_lock_out_an_address_without_revealing_that_it_exists(
    client, allauth_limits
):
    user = UserFactory(email="known@example.org")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    pages = {}
    # From different addresses, so only the per-email limit is reached.
    for address, email in (
        ("192.0.2.1", "known@example.org"),
        ("192.0.2.2", "unknown@example.org"),
    ):
        for _ in range(5):
            response = _sign_in(client, email, address=address)
            assert response.status_code == 200
            assert LOCKOUT_MESSAGE not in response.content.decode()
        pages[email] = _errors(_sign_in(client, email, address=address).content.decode())
    assert LOCKOUT_MESSAGE in pages["known@example.org"]
    assert pages["known@example.org"] == pages["unknown@example.org"]
    # Even the right password is refused while the lockout lasts.
    locked = _sign_in(client, "known@example.org", "correct horse battery", "192.0.2.3")
    assert locked.status_code == 200 and LOCKOUT_MESSAGE in locked.content.decode()


def test_sign_in_from_one_address_is_limited_across_email_addresses(client, allauth_limits):
    for n in range(10):
        _sign_in(client, f"person{n}@example.org")
    html = _sign_in(client, "someone-else@example.org").content.decode()
    assert LOCKOUT_MESSAGE in html


def test_account_sign_up_is_limited_per_address(client, allauth_limits):
    url = reverse("account_signup")
    for n in range(20):
        response = client.post(url, {"email": f"new{n}@example.org", "password1": "x"})
        assert response.status_code == 200  # the form's own errors, not the limit
    response = client.post(url, {"email": "new99@example.org", "password1": "x"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_password_reset_is_limited_per_email_the_same_way_for_unknown_addresses(
    client, allauth_limits
):
    UserFactory(email="known@example.org")
    url = reverse("account_reset_password")
    final = {}
    for email in ("known@example.org", "unknown@example.org"):
        for _ in range(5):
            assert client.post(url, {"email": email}).status_code == 302
        final[email] = client.post(url, {"email": email})
    assert final["known@example.org"].status_code == 429
    assert final["unknown@example.org"].status_code == 429
    assert final["known@example.org"].content == final["unknown@example.org"].content
    assert b"known@example.org" not in final["known@example.org"].content


def test_the_lockout_page_is_plain_and_says_how_long_to_wait(client, allauth_limits):
    url = reverse("account_reset_password")
    for _ in range(6):
        response = client.post(url, {"email": "someone@example.org"})
    html = response.content.decode()
    assert response.status_code == 429
    assert "Wait 5 minutes and try again" in html and "govuk-heading-l" in html


def test_survey_answers_are_limited_per_client_and_other_clients_are_not_affected(client):
    survey = make_survey_page()

    def answer(address):
        return client.post(
            survey.url,
            {
                "what_would_help_you_find_or_stay_in_work": "Flexible hours",
                "ehl_consent": "on",
                "ehl_submission_key": str(uuid.uuid4()),
            },
            REMOTE_ADDR=address,
        )

    for _ in range(30):
        answer("203.0.113.5")
    limited = answer("203.0.113.5")
    html = limited.content.decode()
    assert limited.status_code == 429
    assert "Wait an hour and try again" in html
    assert "Flexible hours" in html  # the answer is still in the form
    assert SurveyResponse.objects.count() == 30
    assert "Thank you" in answer("203.0.113.6").content.decode()
    assert SurveyResponse.objects.count() == 31


def test_guest_sign_ups_to_a_session_are_limited_per_client(client, focus_group, settings):
    settings.EHL_SIGNUP_RATE_LIMIT = 3
    url = reverse("focus_groups:signup", args=[focus_group.public_id])
    for n in range(4):
        response = client.post(
            url,
            {
                "name": f"Guest {n}",
                "email": f"guest{n}@example.org",
                "contact_preference": "email",
                "consent_take_part": "on",
                "submission_key": str(uuid.uuid4()),
            },
        )
    assert Registration.objects.count() == 3
    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many sign-ups from this connection" in html
    assert 'value="Guest 3"' in html  # what they typed comes back
    assert "guest3@example.org" not in Registration.objects.values_list("email", flat=True)


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_used(rf, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = rf.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    # Only the hop the proxy appended is trusted; the left one could be forged by the client.
    assert client_address(request) == "198.51.100.7"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.1"


def test_the_limiter_counts_per_scope_and_client(rf):
    one, two = rf.post("/", REMOTE_ADDR="192.0.2.1"), rf.post("/", REMOTE_ADDR="192.0.2.2")
    assert [rate_limited(one, "x", limit=2, window_seconds=60) for _ in range(3)] == [
        False,
        False,
        True,
    ]
    assert not rate_limited(two, "x", limit=2, window_seconds=60)
    assert not rate_limited(one, "y", limit=2, window_seconds=60)
