"""Organisations taking part in the programme, and who belongs to which."""

from django.conf import settings
from django.db import models
from django.utils.text import slugify
from wagtail.search import index

from .base import TimeStampedModel
from .places import Place


class Organisation(index.Indexed, TimeStampedModel):
    """A VCFSE host, an employer, a council, an NHS body and so on. Partners see only the
    records of the organisations they belong to."""

    class Kind(models.TextChoices):
        VCFSE = "vcfse", "Voluntary, community, faith or social enterprise (VCFSE)"
        EMPLOYER = "employer", "Employer"
        LOCAL_AUTHORITY = "local-authority", "Local authority"
        NHS = "nhs", "NHS"
        DWP = "dwp", "DWP / Jobcentre Plus"
        EDUCATION = "education", "Education"
        COMBINED_AUTHORITY = "combined-authority", "Combined authority"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations"
    )
    website = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    search_fields = [index.SearchField("name"), index.FilterField("kind")]

    class Meta:
        ordering = ["name"]
        permissions = [
            ("host_sessions", "Can host focus groups for their organisation"),
            ("view_all_organisations", "Can see every organisation's records"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)


class Membership(TimeStampedModel):
    """A person's place in an organisation. Managers can add and remove members."""

    class Level(models.TextChoices):
        MEMBER = "member", "Member"
        MANAGER = "manager", "Manager"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.MEMBER)
    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation}"
