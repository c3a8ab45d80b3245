"""Partners' claims for contributions towards the costs of hosting a session."""

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models

from .base import PublicIdModel, TimeStampedModel
from .focus_groups import FocusGroup
from .organisations import Organisation


def private_storage():
    """Receipts and transcripts live outside any web root and are served only by views that
    check permissions."""
    return storages["private"]


def receipt_path(instance, filename: str) -> str:
    return f"receipts/{instance.organisation_id}/{instance.public_id}/{filename}"


class CostClaim(PublicIdModel, TimeStampedModel):
    class Category(models.TextChoices):
        ROOM = "room-hire", "Room hire"
        HEAT_LIGHT = "heating-lighting", "Heating and lighting"
        REFRESHMENTS = "refreshments", "Refreshments"
        TRAVEL = "participant-travel", "Participants' travel"
        CHILDCARE = "childcare", "Participants' childcare"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="claims")
    focus_group = models.ForeignKey(FocusGroup, on_delete=models.PROTECT, related_name="claims")
    category = models.CharField(max_length=24, choices=Category.choices)
    amount = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    description = models.CharField(max_length=300, blank=True)
    receipt = models.FileField(upload_to=receipt_path, storage=private_storage, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("decide_claims", "Can approve or reject cost claims")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="claim_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} £{self.amount}"
