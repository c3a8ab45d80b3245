"""Sign-ups to focus groups: confirmed places, the waiting list and time-limited offers."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .base import PublicIdModel, TimeStampedModel
from .consent import ConsentStatement
from .focus_groups import FocusGroup


class Registration(PublicIdModel, TimeStampedModel):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "On the waiting list"
        OFFERED = "offered", "Offered a place"
        CANCELLED = "cancelled", "Cancelled"
        DECLINED = "declined", "Declined an offer"
        EXPIRED = "expired", "Offer expired"

    class ContactPreference(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"

    # Statuses that take up one of the session's places (an open offer holds its place).
    HOLDS_PLACE = (Status.CONFIRMED, Status.OFFERED)
    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED)

    focus_group = models.ForeignKey(
        FocusGroup, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    email_verified = models.BooleanField(
        default=False, help_text="Guests confirm their email address through a link."
    )
    phone = models.CharField(max_length=32, blank=True)
    contact_preference = models.CharField(
        max_length=8, choices=ContactPreference.choices, default=ContactPreference.EMAIL
    )
    organisation_name = models.CharField(
        max_length=200, blank=True, help_text="For employers and services signing up a group."
    )
    places = models.PositiveSmallIntegerField(default=1)
    attendee_names = models.TextField(blank=True)
    access_needs = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, db_index=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    consent_take_part = models.ForeignKey(
        ConsentStatement, on_delete=models.PROTECT, related_name="+"
    )
    consent_record = models.ForeignKey(
        ConsentStatement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the person did not agree to be recorded.",
    )
    consent_record_withdrawn_at = models.DateTimeField(null=True, blank=True)
    submission_key = models.UUIDField(
        null=True, blank=True, unique=True, help_text="Makes a double-submitted form harmless."
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["focus_group", "email"],
                condition=models.Q(status__in=["confirmed", "waitlisted", "offered"]),
                name="one_active_registration_per_email",
            ),
            models.CheckConstraint(
                condition=models.Q(places__gte=1) & models.Q(places__lte=10),
                name="registration_places_between_1_and_10",
            ),
        ]

    def __str__(self) -> str:
        return f"Registration {self.public_id} ({self.get_status_display()})"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDS_PLACE

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def agreed_to_recording(self) -> bool:
        return self.consent_record_id is not None and self.consent_record_withdrawn_at is None
