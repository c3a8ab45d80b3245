"""Hosting focus groups in the partner work area, scoped to the partner's organisations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ..exports import csv_response
from ..forms_focus_groups import CancelFocusGroupForm, FocusGroupForm, MessageRegistrantsForm
from ..models import CostClaim, FocusGroup, Registration
from ..permissions import (
    can_manage_focus_group,
    can_use_work_area,
    focus_groups_for,
    hostable_organisations,
)
from ..services.audit import audit_record
from ..services.focus_groups import (
    focus_group_cancel,
    focus_group_complete,
    focus_group_create,
    focus_group_publish,
    focus_group_update,
    registrants_message,
)
from ..services.registrations import (
    RegistrationError,
    attendance_mark,
    attendance_open,
    attendance_opens_at,
    registration_move,
)


def _require_work_area(user):
    if not can_use_work_area(user):
        raise PermissionDenied


def managed_focus_group(request, public_id) -> FocusGroup:
    """The focus group, if this person may manage it; 404 otherwise (no hint that it exists)."""
    _require_work_area(request.user)
    focus_group = get_object_or_404(
        FocusGroup.objects.select_related("organisation", "place"), public_id=public_id
    )
    if not can_manage_focus_group(request.user, focus_group):
        raise Http404
    return focus_group


@login_required
def dashboard(request):
    _require_work_area(request.user)
    now = timezone.now()
    mine = (
        focus_groups_for(request.user).with_place_counts().select_related("organisation", "place")
    )
    upcoming = mine.filter(starts_at__gte=now).exclude(status=FocusGroup.Status.CANCELLED)
    past = mine.filter(starts_at__lt=now).exclude(status=FocusGroup.Status.CANCELLED)
    attendance = Registration.objects.filter(
        focus_group__in=past, status=Registration.Status.CONFIRMED
    ).aggregate(
        marked=Count("id", filter=Q(attended__isnull=False)),
        came=Count("id", filter=Q(attended=True)),
    )
    fill = upcoming.filter(status=FocusGroup.Status.PUBLISHED).aggregate(
        capacity=Sum("capacity"), reserved=Sum("reserved_places")
    )
    open_places = (fill["capacity"] or 0) - (fill["reserved"] or 0)
    taken = sum(fg.places_taken for fg in upcoming if fg.status == FocusGroup.Status.PUBLISHED)
    claims = CostClaim.objects.filter(focus_group__in=mine, status=CostClaim.Status.SUBMITTED)
    return render(
        request,
        "engagement/partner/dashboard.html",
        {
            "upcoming": upcoming.order_by("starts_at")[:50],
            "past": past.order_by("-starts_at")[:20],
            "fill_rate": round(100 * taken / open_places) if open_places else None,
            "attendance_rate": round(100 * attendance["came"] / attendance["marked"])
            if attendance["marked"]
            else None,
            "outstanding_claims": claims.count(),
            "outstanding_amount": claims.aggregate(total=Sum("amount"))["total"] or 0,
            "can_host": hostable_organisations(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def focus_group_create_view(request):
    _require_work_area(request.user)
    organisations = hostable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    chosen = request.GET.get("organisation") or request.POST.get("organisation")
    organisation = organisations.filter(slug=chosen).first() or organisations.first()
    form = FocusGroupForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        parts = form.service_fields()
        try:
            focus_group = focus_group_create(
                organisation=organisation,
                actor=request.user,
                access_features=parts["access_features"],
                facilitators=parts["facilitators"],
                cohorts=parts["cohorts"],
                **parts["fields"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Session saved as a draft. Publish it when it is ready.")
            return redirect("engagement:focus_group_manage", focus_group.public_id)
    return render(
        request,
        "engagement/partner/focus_group_form.html",
        {"form": form, "organisation": organisation, "organisations": organisations},
    )


@login_required
@require_http_methods(["GET", "POST"])
def focus_group_edit(request, public_id):
    focus_group = managed_focus_group(request, public_id)
    if focus_group.status in (FocusGroup.Status.CANCELLED, FocusGroup.Status.COMPLETED):
        messages.error(request, "A cancelled or completed session cannot be changed.")
        return redirect("engagement:focus_group_manage", focus_group.public_id)
    form = FocusGroupForm(
        request.POST or None, instance=focus_group, organisation=focus_group.organisation
    )
    if request.method == "POST" and form.is_valid():
        parts = form.service_fields()
        focus_group_update(
            focus_group=FocusGroup.objects.get(pk=focus_group.pk),
            actor=request.user,
            access_features=parts["access_features"],
            facilitators=parts["facilitators"],
            cohorts=parts["cohorts"],
            **parts["fields"],
        )
        messages.success(request, "Session updated. Anyone signed up has been told of changes.")
        return redirect("engagement:focus_group_manage", focus_group.public_id)
    return render(
        request,
        "engagement/partner/focus_group_form.html",
        {"form": form, "focus_group": focus_group, "organisation": focus_group.organisation},
    )


@login_required
def focus_group_manage(request, public_id):
    focus_group = managed_focus_group(request, public_id)
    registrations = focus_group.registrations.select_related(
        "consent_take_part", "consent_record"
    ).order_by("created_at", "id")
    by_status = {status: [] for status in Registration.Status.values}
    for registration in registrations:
        by_status[registration.status].append(registration)
    taken = sum(r.places for r in registrations if r.holds_place)
    return render(
        request,
        "engagement/partner/focus_group_manage.html",
        {
            "focus_group": focus_group,
            "confirmed": by_status["confirmed"],
            "offered": by_status["offered"],
            "waitlisted": by_status["waitlisted"],
            "inactive": by_status["cancelled"] + by_status["declined"] + by_status["expired"],
            "places_taken": taken,
            "claims": focus_group.claims.all(),
            "attendance_open": attendance_open(focus_group),
            "attendance_opens_at": attendance_opens_at(focus_group),
            "Status": FocusGroup.Status,
        },
    )


@login_required
@require_POST
def focus_group_action(request, public_id, action):
    focus_group = managed_focus_group(request, public_id)
    services = {"publish": focus_group_publish, "complete": focus_group_complete}
    if action not in services:
        raise Http404
    try:
        services[action](focus_group=focus_group, actor=request.user)
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Session published." if action == "publish" else "Session marked as completed."
        )
    return redirect("engagement:focus_group_manage", focus_group.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def focus_group_cancel_view(request, public_id):
    focus_group = managed_focus_group(request, public_id)
    form = CancelFocusGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            focus_group_cancel(
                focus_group=focus_group, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except RegistrationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Session cancelled. Everyone signed up has been emailed.")
            return redirect("engagement:focus_group_manage", focus_group.public_id)
    return render(
        request,
        "engagement/partner/focus_group_cancel.html",
        {"form": form, "focus_group": focus_group},
    )


@login_required
@require_POST
def registration_move_view(request, public_id, registration_id):
    focus_group = managed_focus_group(request, public_id)
    registration = get_object_or_404(focus_group.registrations, public_id=registration_id)
    try:
        registration_move(
            registration=registration, to=request.POST.get("to", ""), actor=request.user
        )
    except RegistrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{registration.name} moved.")
    return redirect("engagement:focus_group_manage", focus_group.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def focus_group_message(request, public_id):
    focus_group = managed_focus_group(request, public_id)
    form = MessageRegistrantsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = registrants_message(
            focus_group=focus_group,
            actor=request.user,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            statuses=form.statuses(),
        )
        messages.success(request, f"Message sent to {sent} {'person' if sent == 1 else 'people'}.")
        return redirect("engagement:focus_group_manage", focus_group.public_id)
    return render(
        request,
        "engagement/partner/focus_group_message.html",
        {"form": form, "focus_group": focus_group},
    )


@login_required
@require_http_methods(["GET", "POST"])
def focus_group_attendance(request, public_id):
    focus_group = managed_focus_group(request, public_id)
    confirmed = focus_group.registrations.filter(status=Registration.Status.CONFIRMED).order_by(
        "name"
    )
    error = None
    if request.method == "POST":
        present = {int(pk) for pk in request.POST.getlist("present") if pk.isdigit()} & set(
            confirmed.values_list("pk", flat=True)
        )
        try:
            came = attendance_mark(focus_group=focus_group, present_ids=present, actor=request.user)
        except RegistrationError as exc:
            error = exc.message
        else:
            messages.success(request, f"Attendance saved: {came} of {confirmed.count()} came.")
            return redirect("engagement:focus_group_manage", focus_group.public_id)
    return render(
        request,
        "engagement/partner/focus_group_attendance.html",
        {
            "focus_group": focus_group,
            "confirmed": confirmed,
            "error": error,
            "attendance_open": attendance_open(focus_group),
        },
    )


@login_required
def focus_group_register_csv(request, public_id):
    focus_group = managed_focus_group(request, public_id)
    rows = [
        [
            r.name,
            r.email,
            r.phone,
            r.get_contact_preference_display(),
            r.organisation_name,
            r.places,
            r.attendee_names,
            r.get_status_display(),
            r.access_needs,
            f"version {r.consent_take_part.version}",
            f"version {r.consent_record.version}" if r.agreed_to_recording else "no",
            {True: "yes", False: "no", None: ""}[r.attended],
        ]
        for r in focus_group.registrations.select_related("consent_take_part", "consent_record")
        .filter(status__in=Registration.ACTIVE)
        .order_by("status", "created_at")
    ]
    audit_record(
        "focus_group.register_exported",
        actor=request.user,
        target=focus_group,
        organisation=focus_group.organisation,
        rows=len(rows),
    )
    return csv_response(
        f"register-{focus_group.starts_at:%Y-%m-%d}-{focus_group.public_id}.csv",
        [
            "Name",
            "Email",
            "Phone",
            "Contact by",
            "Organisation",
            "Places",
            "Other attendees",
            "Status",
            "Access needs",
            "Consent to take part",
            "Consent to recording",
            "Attended",
        ],
        rows,
    )
