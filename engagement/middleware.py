"""Requires staff roles to have a second factor before they reach personal data."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .roles import is_staff_role

# Pages a staff member must still reach to set up their authenticator or leave.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz")


class StaffMFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.EHL_REQUIRE_MFA_FOR_STAFF
            and request.user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and is_staff_role(request.user)
            and not _has_mfa(request.user)
        ):
            return redirect(reverse("mfa_activate_totp") + f"?next={request.path}")
        return self.get_response(request)


def _has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
