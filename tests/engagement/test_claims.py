"""Partners claim costs; programme leads decide with reasons; totals per partner and Place."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagement.models import CostClaim
from engagement.services.claims import claim_decide, claim_submit, claim_totals
from engagement.services.registrations import RegistrationError
from tests.factories import FocusGroupFactory

pytestmark = pytest.mark.django_db


def _pdf():
    return SimpleUploadedFile("receipt.pdf", b"%PDF-1.7 receipt", content_type="application/pdf")


def test_a_partner_claims_with_a_receipt_and_a_lead_approves(focus_group, partner, lead):
    claim = claim_submit(
        focus_group=focus_group,
        actor=partner,
        category="room-hire",
        amount=Decimal("45.00"),
        receipt=_pdf(),
    )
    assert claim.status == "submitted" and claim.receipt.name.endswith("receipt.pdf")
    claim_decide(claim=claim, actor=lead, approve=True)
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.decided_by == lead


def test_rejecting_needs_a_reason_and_a_claim_is_decided_once(focus_group, partner, lead):
    claim = claim_submit(focus_group=focus_group, actor=partner, category="refreshments", amount=10)
    with pytest.raises(RegistrationError, match="reason"):
        claim_decide(claim=claim, actor=lead, approve=False, reason="")
    claim_decide(claim=claim, actor=lead, approve=False, reason="Not an eligible cost")
    with pytest.raises(RegistrationError, match="already"):
        claim_decide(claim=claim, actor=lead, approve=True)


def test_receipts_are_checked_by_content_not_name(focus_group, partner):
    fake = SimpleUploadedFile(
        "receipt.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(RegistrationError, match="PDF, PNG or JPEG"):
        claim_submit(
            focus_group=focus_group, actor=partner, category="room-hire", amount=5, receipt=fake
        )
    assert not CostClaim.objects.exists()


def test_totals_by_partner_and_place(focus_group, partner, lead, consents):
    other = FocusGroupFactory()
    a = claim_submit(focus_group=focus_group, actor=partner, category="room-hire", amount=30)
    claim_submit(focus_group=focus_group, actor=partner, category="childcare", amount=12)
    claim_submit(focus_group=other, actor=partner, category="room-hire", amount=7)
    claim_decide(claim=a, actor=lead, approve=True)
    totals = claim_totals(CostClaim.objects.all())
    mine = next(
        r for r in totals["by_partner"] if r["organisation__name"] == focus_group.organisation.name
    )
    assert (mine["approved"], mine["waiting"], mine["count"]) == (Decimal("30"), Decimal("12"), 2)
    assert len(totals["by_place"]) == 2


def test_claim_pages(client, focus_group, partner, lead):
    client.force_login(partner)
    response = client.post(
        reverse("engagement:claim_create", args=[focus_group.public_id]),
        {
            "category": "participant-travel",
            "amount": "18.50",
            "description": "Bus fares",
            "receipt": _pdf(),
        },
    )
    assert response.status_code == 302
    claim = CostClaim.objects.get()
    assert (
        client.get(reverse("engagement:claim_receipt", args=[claim.public_id])).status_code == 200
    )
    client.force_login(lead)
    listing = client.get(reverse("engagement:claim_list")).content.decode()
    assert "Bus fares" in listing and "£18.50" in listing
    client.post(
        reverse("engagement:claim_decide", args=[claim.public_id]),
        {"decision": "reject", "reason": ""},
    )
    claim.refresh_from_db()
    assert claim.status == "submitted"
    client.post(reverse("engagement:claim_decide", args=[claim.public_id]), {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.status == "approved"
