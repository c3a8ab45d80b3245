"""Partners' claims towards the cost of hosting sessions, and programme leads' decisions."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from ..models import CostClaim, FocusGroup
from ..uploads import UploadError, receipt_type, stored_name
from .audit import audit_record
from .registrations import RegistrationError

MAX_RECEIPT_BYTES = 5 * 1024 * 1024


def receipt_validate(upload) -> str:
    """Receipts must be a PDF, PNG or JPEG by content (not by name) and at most 5 MB. Returns
    the name to store it under, with the extension its content earned."""
    try:
        _, extension = receipt_type(upload, max_bytes=MAX_RECEIPT_BYTES)
    except UploadError as error:
        raise RegistrationError(f"{error}.", field="receipt") from None
    return stored_name(upload.name or "", extension, default="receipt")


@transaction.atomic
def claim_submit(
    *,
    focus_group: FocusGroup,
    actor,
    category: str,
    amount: Decimal,
    description: str = "",
    receipt=None,
) -> CostClaim:
    if focus_group.status == FocusGroup.Status.DRAFT:
        raise RegistrationError("Publish the session before claiming its costs.")
    receipt_name = receipt_validate(receipt) if receipt is not None else ""
    claim = CostClaim(
        organisation=focus_group.organisation,
        focus_group=focus_group,
        category=category,
        amount=amount,
        description=description.strip(),
        submitted_by=actor,
    )
    claim.full_clean(exclude=["receipt"])
    if receipt is not None:
        claim.receipt.save(receipt_name, receipt, save=False)
    claim.save()
    audit_record(
        "claim.submitted",
        actor=actor,
        target=claim,
        organisation=claim.organisation,
        amount=str(claim.amount),
    )
    return claim


@transaction.atomic
def claim_decide(*, claim: CostClaim, actor, approve: bool, reason: str = "") -> CostClaim:
    claim = CostClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != CostClaim.Status.SUBMITTED:
        raise RegistrationError("This claim has already been decided.")
    if not approve and not reason.strip():
        raise RegistrationError("Give a reason for rejecting the claim.", field="reason")
    claim.status = CostClaim.Status.APPROVED if approve else CostClaim.Status.REJECTED
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.decision_reason = reason.strip()
    claim.save()
    audit_record(
        "claim.approved" if approve else "claim.rejected",
        actor=actor,
        target=claim,
        organisation=claim.organisation,
    )
    return claim


def claim_totals(claims) -> dict:
    """Totals by partner and by Place: approved, waiting and rejected amounts."""

    def by(field):
        return list(
            claims.values(field)
            .annotate(
                approved=Sum("amount", filter=Q(status=CostClaim.Status.APPROVED), default=0),
                waiting=Sum("amount", filter=Q(status=CostClaim.Status.SUBMITTED), default=0),
                rejected=Sum("amount", filter=Q(status=CostClaim.Status.REJECTED), default=0),
                count=Count("id"),
            )
            .order_by(field)
        )

    return {"by_partner": by("organisation__name"), "by_place": by("focus_group__place__name")}
