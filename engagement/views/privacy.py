"""Subject access and erasure.

- Everyone signed in downloads what is held about them (JSON or CSV) from their account page.
- Programme leads and administrators act on requests from people without an account (guest
  sign-ups, survey respondents who left an email): find by email, download the same export,
  erase. Emails travel only in POST bodies (never in URLs, so never in access logs) and reach the
  audit trail only as a keyed hash. Every step is audited."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from ..services.audit import audit_record
from ..services.privacy import (
    FORMATS,
    can_handle_privacy_requests,
    export_audit,
    export_render,
    subject_for_email,
    subject_for_user,
    subject_ref,
)
from ..services.privacy_erasure import subject_erase

TEMPLATE = "engagement/privacy/requests.html"


class FindForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The address the person signed up or answered a survey with.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ExportForm(FindForm):
    format = forms.ChoiceField(choices=[(f, f.upper()) for f in FORMATS])


class EraseForm(FindForm):
    confirm = forms.BooleanField(
        label="I have checked the person's identity and their request, and understand this "
        "cannot be undone",
        required=True,
        error_messages={"required": "Confirm that you have checked the request"},
    )


def _download(body: str, content_type: str, fmt: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="ehl-personal-data-{stamp}.{fmt}"'
    add_never_cache_headers(response)
    return response


@login_required
def own_data(request, fmt: str):
    """The signed-in person's own data, as a download."""
    if fmt not in FORMATS:
        raise Http404
    subject = subject_for_user(request.user)
    body, content_type = export_render(subject, fmt)
    export_audit(subject=subject, actor=request.user, fmt=fmt, on_behalf=False)
    return _download(body, content_type, fmt)


def _require_handler(request) -> None:
    if not can_handle_privacy_requests(request.user):
        raise PermissionDenied


def _results(request, email: str, *, erase_form=None, status: int = 200):
    subject = subject_for_email(email)
    context = {
        "form": FindForm(initial={"email": email}),
        "searched": True,
        "email": email,
        "subject": subject,
        "counts": subject.counts(),
        "erase_form": erase_form or EraseForm(initial={"email": email}),
    }
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def privacy_requests(request):
    """Find what is held against an email address."""
    _require_handler(request)
    form = FindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        subject = subject_for_email(email)
        audit_record(
            "privacy.subject_searched",
            actor=request.user,
            subject_ref=subject_ref(email),
            **subject.counts(),
        )
        return _results(request, email)
    return render(request, TEMPLATE, {"form": form, "searched": False})


@login_required
@require_http_methods(["POST"])
def privacy_export(request):
    """Download everything held against an email address, for a subject-access request."""
    _require_handler(request)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, "searched": False})
    email, fmt = form.cleaned_data["email"], form.cleaned_data["format"]
    subject = subject_for_email(email)
    body, content_type = export_render(subject, fmt)
    export_audit(subject=subject, actor=request.user, fmt=fmt, on_behalf=True)
    return _download(body, content_type, fmt)


@login_required
@require_http_methods(["POST"])
def privacy_erase(request):
    """Erase what is held against an email address that has no account."""
    _require_handler(request)
    form = EraseForm(request.POST)
    if not form.is_valid():
        email = request.POST.get("email", "")
        if not FindForm({"email": email}).is_valid():
            return render(request, TEMPLATE, {"form": FindForm(request.POST), "searched": False})
        return _results(request, email, erase_form=form)
    email = form.cleaned_data["email"]
    subject = subject_for_email(email)
    if subject.user is not None:
        messages.error(
            request,
            "This email address belongs to an account. The person can delete it from their "
            "account page, or an administrator can delete the user in the site editor: both "
            "erase the same records.",
        )
        return _results(request, email)
    counts = subject_erase(subject=subject, actor=request.user, reason="request")
    messages.success(
        request,
        f"Erased {counts['registrations']} sign-up(s) and {counts['survey_responses']} survey "
        "response(s). Published reports are being rebuilt without their words.",
    )
    return redirect("engagement:privacy_requests")
