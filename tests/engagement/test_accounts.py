import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from engagement.models import AuditEvent, User
from engagement.roles import Role, user_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _link_in(message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_sign_up_with_email_makes_a_resident_and_sends_a_verification_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "Sam.Resident@Example.org",
                "password1": "a long enough passphrase",
                "password2": "a long enough passphrase",
                "first_name": "Sam",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="sam.resident@example.org")
    assert user_roles(user) == {Role.RESIDENT}
    assert len(mail.outbox) == 1
    assert "confirm" in _link_in(mail.outbox[0])
    assert AuditEvent.objects.filter(action="auth.signup", target_id=str(user.pk)).exists()


def test_email_must_be_verified_before_signing_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "new@example.org",
                "password1": "a long enough passphrase",
                "password2": "a long enough passphrase",
            },
        )
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "new@example.org", "password": "a long enough passphrase"},
    )
    assert response.status_code == 302
    assert "confirm-email" in response.url
    confirmation = client.get(_link_in(mail.outbox[0]))
    assert confirmation.status_code == 200
    client.post(_link_in(mail.outbox[0]))
    assert User.objects.get(email="new@example.org").emailaddress_set.get().verified


def test_sign_in_uses_the_email_address(client):
    user = UserFactory()
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", actor=user).exists()


def test_a_failed_sign_in_is_audited_without_the_attempted_email(client):
    response = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "wrong password"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert "nobody@example.org" not in str(event.detail)


def test_password_reset_sends_a_link_and_does_not_reveal_unknown_accounts(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.org")
    for email in ("known@example.org", "unknown@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("account_reset_password"), {"email": email})
        assert response.status_code == 302
    bodies = [m.body for m in mail.outbox]
    assert any("password/reset/key" in body for body in bodies)
    assert all(m.to in (["known@example.org"], ["unknown@example.org"]) for m in mail.outbox)


def test_people_can_delete_their_own_account(client):
    user = UserFactory()
    client.force_login(user)
    wrong = client.post(reverse("account_delete"), {"password": "nope", "confirm": "on"})
    assert wrong.status_code == 200
    assert "The password is not correct." in wrong.content.decode()
    assert User.objects.filter(pk=user.pk).exists()

    response = client.post(
        reverse("account_delete"), {"password": "correct horse battery", "confirm": "on"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    event = AuditEvent.objects.get(action="account.deleted")
    assert event.detail["pseudonym"] == str(user.pseudonym)
    assert user.email not in str(event.detail)


@override_settings(EHL_REQUIRE_MFA_FOR_STAFF=True)
def test_staff_must_set_up_two_step_sign_in_when_required(client, lead, resident):
    client.force_login(lead)
    response = client.get(reverse("work:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))

    client.force_login(resident)
    assert client.get(reverse("account_overview")).status_code == 200


@override_settings(EHL_REQUIRE_MFA_FOR_STAFF=True)
def test_staff_with_an_authenticator_reach_the_work_area(client, lead):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=lead, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(lead)
    assert client.get(reverse("work:dashboard")).status_code == 200
