"""Cost claims: partners claim per session; programme leads decide and see totals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ..forms_focus_groups import ClaimDecisionForm, CostClaimForm
from ..models import CostClaim
from ..permissions import (
    can_decide_claims,
    can_manage_organisation,
    can_use_work_area,
    focus_groups_for,
)
from ..services.audit import audit_record
from ..services.claims import claim_decide, claim_submit, claim_totals
from ..services.registrations import RegistrationError
from .partner_focus_groups import managed_focus_group


def _visible_claims(user):
    if can_decide_claims(user):
        return CostClaim.objects.all()
    return CostClaim.objects.filter(focus_group__in=focus_groups_for(user))


@login_required
def claim_list(request):
    if not can_use_work_area(request.user):
        raise PermissionDenied
    claims = _visible_claims(request.user).select_related(
        "organisation", "focus_group", "focus_group__place"
    )
    status = request.GET.get("status", "")
    listed = claims.filter(status=status) if status in CostClaim.Status.values else claims
    return render(
        request,
        "engagement/claims/list.html",
        {
            "claims": listed[:200],
            "totals": claim_totals(claims),
            "status": status,
            "statuses": CostClaim.Status.choices,
            "can_decide": can_decide_claims(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_create(request, public_id):
    focus_group = managed_focus_group(request, public_id)
    form = CostClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim_submit(
                focus_group=focus_group,
                actor=request.user,
                category=data["category"],
                amount=data["amount"],
                description=data["description"],
                receipt=data.get("receipt") or None,
            )
        except RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Claim sent to the programme team for a decision.")
            return redirect("engagement:focus_group_manage", focus_group.public_id)
    return render(
        request, "engagement/claims/form.html", {"form": form, "focus_group": focus_group}
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_decide_view(request, public_id):
    if not can_decide_claims(request.user):
        raise PermissionDenied
    claim = get_object_or_404(
        CostClaim.objects.select_related("organisation", "focus_group"), public_id=public_id
    )
    form = ClaimDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim_decide(
                claim=claim,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except RegistrationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("engagement:claim_list")
    return render(request, "engagement/claims/decide.html", {"form": form, "claim": claim})


@login_required
def claim_receipt(request, public_id):
    if not can_use_work_area(request.user):
        raise PermissionDenied
    claim = get_object_or_404(CostClaim.objects.select_related("organisation"), public_id=public_id)
    allowed = can_decide_claims(request.user) or (
        can_use_work_area(request.user)
        and can_manage_organisation(request.user, claim.organisation)
    )
    if not allowed or not claim.receipt:
        raise Http404
    audit_record(
        "claim.receipt_viewed", actor=request.user, target=claim, organisation=claim.organisation
    )
    # Served as a download with the type its content was checked to be when it was uploaded.
    name = claim.receipt.name.rsplit("/", 1)[-1]
    content_type = RECEIPT_CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower())
    return FileResponse(
        claim.receipt.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=content_type or "application/octet-stream",
    )


RECEIPT_CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
