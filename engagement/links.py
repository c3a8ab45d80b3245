"""Signed links that let people manage a registration without an account.

A link names one registration; it cannot be forged or altered, and it stops working when the
session has started (or, for offers, when the offer expires - checked against the database)."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

_SALT = "engagement.registration-link"


class LinkError(Exception):
    """A link was tampered with or no longer works. The message is safe to show."""


def registration_token(registration) -> str:
    return signing.dumps(str(registration.public_id), salt=_SALT, compress=True)


def registration_link(registration) -> str:
    return reverse("focus_groups:manage", args=[registration_token(registration)])


def registration_from_token(token: str):
    from .models import Registration

    try:
        public_id = signing.loads(token, salt=_SALT)
    except signing.BadSignature as exc:
        raise LinkError(
            "This link is not valid. It may have been copied incompletely: try opening it from "
            "the email again."
        ) from exc
    registration = (
        Registration.objects.select_related("focus_group", "focus_group__place")
        .filter(public_id=public_id)
        .first()
    )
    if registration is None:
        raise LinkError("We could not find this sign-up. It may have been removed.")
    return registration


def email_code(registration) -> str:
    """A second signature, sent only by email, that proves the person can read that inbox."""
    signer = signing.Signer(salt=f"{_SALT}.email:{registration.email}")
    return signer.signature(str(registration.public_id))


def check_email_code(registration, code: str) -> None:
    import hmac

    if not hmac.compare_digest(email_code(registration), code):
        raise LinkError("This confirmation link is not valid. Open it from the email again.")


def email_confirmation_link(registration) -> str:
    return reverse(
        "focus_groups:confirm_email",
        args=[registration_token(registration), email_code(registration)],
    )
