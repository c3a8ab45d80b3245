"""The public side of focus groups: finding one, signing up, and managing a sign-up by link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..calendar import focus_group_ics
from ..forms_focus_groups import FocusGroupFilterForm, SignUpForm
from ..links import LinkError, check_email_code, registration_from_token, registration_link
from ..listing_cache import TIMEOUT_SECONDS as LISTING_TIMEOUT
from ..listing_cache import listing_key
from ..models import FocusGroup, Registration
from ..ratelimit import rate_limited
from ..services.registrations import (
    RegistrationError,
    SignUp,
    offer_accept,
    offer_decline,
    places_taken,
    registration_cancel,
    registration_create,
    registration_verify_email,
)

PUBLIC_STATUSES = (FocusGroup.Status.PUBLISHED, FocusGroup.Status.CANCELLED)


def _public_focus_group(public_id) -> FocusGroup:
    focus_group = (
        FocusGroup.objects.select_related("organisation", "place")
        .prefetch_related("access_features")
        .filter(public_id=public_id, status__in=(*PUBLIC_STATUSES, FocusGroup.Status.COMPLETED))
        .first()
    )
    if focus_group is None:
        raise Http404("No such session")
    return focus_group


def focus_group_list(request):
    """Upcoming sessions, filtered. Anonymous visitors get a cached copy (see listing_cache)."""
    anonymous = not request.user.is_authenticated and not len(messages.get_messages(request))
    key = listing_key(request.META.get("QUERY_STRING", "")) if anonymous else None
    if key and (html := cache.get(key)) is not None:
        return HttpResponse(html)
    response = _render_listing(request)
    if key and response.status_code == 200:
        cache.set(key, response.content, timeout=LISTING_TIMEOUT)
    return response


def _render_listing(request):
    form = FocusGroupFilterForm(request.GET or None)
    sessions = (
        FocusGroup.objects.published()
        .upcoming()
        .select_related("organisation", "place")
        .prefetch_related("access_features")
        .with_place_counts()
        .order_by("starts_at")
    )
    sessions = form.filter(sessions) if request.GET else sessions
    page = Paginator(sessions, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "engagement/focus_groups/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def focus_group_detail(request, public_id):
    focus_group = _public_focus_group(public_id)
    taken = places_taken(focus_group)
    return render(
        request,
        "engagement/focus_groups/detail.html",
        {
            "focus_group": focus_group,
            "places_left": max(focus_group.open_places - taken, 0),
            "open_for_signup": focus_group.is_open_for_signup(),
        },
    )


def focus_group_calendar(request, public_id):
    focus_group = _public_focus_group(public_id)
    response = HttpResponse(
        focus_group_ics(focus_group, request.build_absolute_uri(focus_group.get_absolute_url())),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="session-{focus_group.public_id}.ics"'
    return response


@require_http_methods(["GET", "POST"])
def focus_group_signup(request, public_id):
    focus_group = _public_focus_group(public_id)
    user = request.user if request.user.is_authenticated else None
    if not focus_group.is_open_for_signup():
        return render(
            request, "engagement/focus_groups/closed.html", {"focus_group": focus_group}, status=410
        )
    form = SignUpForm(request.POST or None, focus_group=focus_group, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if rate_limited(
            request, "signup", limit=settings.EHL_SIGNUP_RATE_LIMIT, window_seconds=600
        ):
            # The form comes back filled in, so the person can try again without retyping.
            form.add_error(
                None, "Too many sign-ups from this connection. Wait a few minutes and try again."
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            sign_up = SignUp(
                name=data["name"],
                email=user.email if user else data["email"],
                user=user,
                phone=data.get("phone", ""),
                contact_preference=data["contact_preference"],
                organisation_name=data.get("organisation_name", ""),
                places=data.get("places") or 1,
                attendee_names=data.get("attendee_names", ""),
                access_needs=data.get("access_needs", ""),
                consent_take_part=data["consent_take_part"],
                consent_record=data["consent_record"],
                submission_key=data.get("submission_key"),
            )
            try:
                registration, _ = registration_create(focus_group=focus_group, sign_up=sign_up)
            except RegistrationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect(registration_link(registration) + "?new=1")
    return render(
        request,
        "engagement/focus_groups/signup.html",
        {"focus_group": focus_group, "form": form},
        status=status,
    )


ACTIONS = {
    "cancel": ("You have cancelled your place.", registration_cancel),
    "leave": ("You have left the waiting list.", registration_cancel),
    "accept": ("You have accepted the place. See you there!", offer_accept),
    "decline": ("You have declined the place. Thank you for letting us know.", offer_decline),
}


@require_http_methods(["GET", "POST"])
def registration_manage(request, token):
    try:
        registration = registration_from_token(token)
    except LinkError as error:
        return render(
            request,
            "engagement/focus_groups/link_problem.html",
            {"message": str(error)},
            status=400,
        )
    error_message = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            error_message = "Choose what you want to do."
        else:
            success, service = ACTIONS[action]
            try:
                registration = service(registration=registration)
            except RegistrationError as error:
                error_message = error.message
            else:
                messages.success(request, success)
                return redirect(reverse("focus_groups:manage", args=[token]))
    focus_group = registration.focus_group
    return render(
        request,
        "engagement/focus_groups/manage.html",
        {
            "registration": registration,
            "focus_group": focus_group,
            "token": token,
            "is_new": bool(request.GET.get("new")),
            "error_message": error_message,
            "started": timezone.now() >= focus_group.starts_at,
            "Status": Registration.Status,
        },
        status=400 if error_message else 200,
    )


@require_http_methods(["GET", "POST"])
def registration_confirm_email(request, token, code):
    """The link in the first email proves the address belongs to the person who signed up.
    Confirming takes a button press: mail scanners follow links but do not submit forms."""
    try:
        registration = registration_from_token(token)
        check_email_code(registration, code)
    except LinkError as error:
        return render(
            request,
            "engagement/focus_groups/link_problem.html",
            {"message": str(error)},
            status=400,
        )
    if request.method == "POST":
        registration_verify_email(registration=registration)
        messages.success(request, "Your email address is confirmed.")
        return redirect(reverse("focus_groups:manage", args=[token]))
    return render(
        request,
        "engagement/focus_groups/confirm_email.html",
        {"registration": registration, "focus_group": registration.focus_group},
    )
