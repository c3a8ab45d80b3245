"""The account holder's own pages: an overview and self-service deletion."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..forms import DeleteAccountForm
from ..roles import user_roles
from ..services.accounts import account_delete
from ..services.capture import survey_consent_withdraw


def _own_sign_ups(user) -> list[dict]:
    """The account's session sign-ups, soonest first, each with the link that manages it (the
    same one the emails carry). Sign-ups made as a guest with the account's email count once
    that address is verified."""
    from django.db.models import Q

    from ..links import registration_link
    from ..models import Registration

    mine = Q(user=user)
    if user.emailaddress_set.filter(email__iexact=user.email, verified=True).exists():
        mine |= Q(email__iexact=user.email)
    registrations = (
        Registration.objects.filter(mine)
        .select_related("focus_group", "focus_group__place")
        .order_by("-focus_group__starts_at")
    )
    now = timezone.now()
    return [
        {
            "registration": registration,
            "session": registration.focus_group,
            "upcoming": registration.focus_group.ends_at > now,
            "manage_url": registration_link(registration),
        }
        for registration in registrations
    ]


@login_required
def overview(request):
    from allauth.mfa.models import Authenticator

    sign_ups = _own_sign_ups(request.user)
    return render(
        request,
        "engagement/account/overview.html",
        {
            "upcoming_sign_ups": [s for s in sign_ups if s["upcoming"]][::-1],
            "past_sign_ups": [s for s in sign_ups if not s["upcoming"]],
            "roles": sorted(role.label for role in user_roles(request.user)),
            "memberships": request.user.memberships.select_related("organisation"),
            "survey_responses": request.user.survey_responses.filter(anonymous=False)
            .select_related("page")
            .order_by("-submit_time"),
            "has_totp": Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        account_delete(user=user)
        messages.success(request, "Your account has been deleted.")
        return redirect("/")
    return render(request, "engagement/account/delete.html", {"form": form})


@login_required
@require_http_methods(["POST"])
def survey_withdraw(request, public_id):
    response = get_object_or_404(request.user.survey_responses, public_id=public_id)
    survey_consent_withdraw(response=response, actor=request.user)
    messages.success(request, "We will no longer use those answers.")
    return redirect("account_overview")
