"""Conversation logs by EHL associates, and employer engagement records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ..forms_capture import ConversationLogForm, EmployerEngagementForm
from ..permissions import can_log_conversations, conversations_for, employer_engagements_for
from ..services.capture import (
    CaptureError,
    conversation_consent_withdraw,
    conversation_log_save,
    employer_engagement_save,
)


def _require(user) -> None:
    if not can_log_conversations(user):
        raise PermissionDenied


@login_required
def conversation_list(request):
    _require(request.user)
    logs = conversations_for(request.user).select_related("place")[:200]
    engagements = employer_engagements_for(request.user).select_related("employer")[:200]
    return render(
        request,
        "engagement/conversations/list.html",
        {"logs": logs, "engagements": engagements},
    )


def _visible_log(request, public_id):
    _require(request.user)
    try:
        return conversations_for(request.user).select_related("place").get(public_id=public_id)
    except conversations_for(request.user).model.DoesNotExist as missing:
        raise Http404 from missing


@login_required
@require_http_methods(["GET", "POST"])
def conversation_form(request, public_id=None):
    _require(request.user)
    log = _visible_log(request, public_id) if public_id else None
    form = ConversationLogForm(request.POST if request.method == "POST" else None, instance=log)
    if request.method == "POST" and form.is_valid():
        log = conversation_log_save(
            log=form.save(commit=False), actor=request.user, cohorts=form.cleaned_data["cohorts"]
        )
        messages.success(request, "Conversation saved. What was said will be analysed shortly.")
        return redirect("engagement:conversation_detail", log.public_id)
    return render(request, "engagement/conversations/form.html", {"form": form, "log": log})


@login_required
def conversation_detail(request, public_id):
    log = _visible_log(request, public_id)
    return render(request, "engagement/conversations/detail.html", {"log": log})


@login_required
@require_http_methods(["POST"])
def conversation_withdraw(request, public_id):
    log = _visible_log(request, public_id)
    if log.consent_withdrawn_at is None:
        conversation_consent_withdraw(log=log, actor=request.user)
    messages.success(request, "Consent withdrawn. What was said has left the analysis.")
    return redirect("engagement:conversation_detail", log.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def employer_engagement_form(request, public_id=None):
    _require(request.user)
    engagement = None
    if public_id:
        engagement = get_object_or_404(employer_engagements_for(request.user), public_id=public_id)
    form = EmployerEngagementForm(
        request.POST if request.method == "POST" else None, instance=engagement
    )
    if request.method == "POST" and form.is_valid():
        try:
            employer_engagement_save(engagement=form.save(commit=False), actor=request.user)
        except CaptureError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Employer engagement saved.")
            return redirect("engagement:conversation_list")
    return render(
        request,
        "engagement/conversations/employer_form.html",
        {"form": form, "engagement": engagement},
    )
