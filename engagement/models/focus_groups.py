"""Focus groups hosted by VCFSE partners for residents, employers or services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .base import PublicIdModel, TimeStampedModel
from .organisations import Organisation
from .places import AccessFeature, Place


class FocusGroupQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=FocusGroup.Status.PUBLISHED)

    def upcoming(self):
        return self.filter(starts_at__gte=timezone.now())

    def with_place_counts(self):
        """Annotate places taken (confirmed or held) and the waiting-list length."""
        from .registrations import Registration

        holding = models.Q(registrations__status__in=Registration.HOLDS_PLACE)
        waiting = models.Q(registrations__status=Registration.Status.WAITLISTED)
        return self.annotate(
            places_taken=models.functions.Coalesce(
                models.Sum("registrations__places", filter=holding), 0
            ),
            waiting_count=models.Count("registrations", filter=waiting),
        )


class FocusGroup(PublicIdModel, TimeStampedModel):
    class Audience(models.TextChoices):
        RESIDENTS = "residents", "Residents"
        EMPLOYERS = "employers", "Employers"
        SERVICES = "services", "Services"

    class Mode(models.TextChoices):
        IN_PERSON = "in-person", "In person"
        ONLINE = "online", "Online"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="focus_groups"
    )
    audience = models.CharField(max_length=16, choices=Audience.choices)
    title = models.CharField(max_length=160)
    description = models.TextField(help_text="What the session is about, in plain English.")
    topics = models.JSONField(
        default=list, blank=True, help_text="The questions or topics the group will discuss."
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="focus_groups")
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.IN_PERSON)
    venue_name = models.CharField(max_length=160, blank=True)
    venue_address = models.TextField(blank=True)
    access_features = models.ManyToManyField(AccessFeature, blank=True, related_name="+")
    cohorts = models.ManyToManyField(
        "engagement.Cohort",
        blank=True,
        related_name="+",
        help_text="Groups of people the session is especially for, if any.",
    )
    joining_details = models.TextField(
        blank=True,
        help_text="For online sessions: the link and how to join. Only confirmed "
        "attendees see this.",
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    reserved_places = models.PositiveSmallIntegerField(
        default=0, help_text="Places kept back for people the host invites directly."
    )
    signup_deadline = models.DateTimeField(null=True, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_focus_groups"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    cancellation_reason = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FocusGroupQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="focus_group_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(reserved_places__lte=models.F("capacity")),
                name="focus_group_reserved_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("focus_groups:detail", args=[self.public_id])

    @property
    def open_places(self) -> int:
        """Places available through public sign-up."""
        return self.capacity - self.reserved_places

    @property
    def signup_closes_at(self):
        return self.signup_deadline or self.starts_at

    def is_open_for_signup(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and now < self.signup_closes_at
