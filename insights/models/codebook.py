"""The codebook: hierarchical themes that segments are coded into.

Machines may propose themes (discovery), but only approved themes reach reports."""

from django.db import models

from engagement.models import TimeStampedModel

from .questions import CoreQuestion


class Theme(TimeStampedModel):
    class Kind(models.TextChoices):
        BARRIER = "barrier", "Barrier"
        ENABLER = "enabler", "Enabler"
        SYSTEM = "system", "System issue"

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Candidate"
        APPROVED = "approved", "Approved"
        RETIRED = "retired", "Retired"

    class Origin(models.TextChoices):
        STARTER = "starter", "Starter codebook"
        DISCOVERED = "discovered", "Discovered"
        PERSON = "person", "Added by a person"

    key = models.SlugField(max_length=80, unique=True)
    label = models.CharField(max_length=160)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    definition = models.TextField()
    include_notes = models.TextField("include", blank=True, help_text="What counts as this theme.")
    exclude_notes = models.TextField(
        "exclude", blank=True, help_text="What belongs to another theme instead."
    )
    key_phrases = models.JSONField(default=list, blank=True)
    examples = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CANDIDATE)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.PERSON)
    core_questions = models.ManyToManyField(CoreQuestion, blank=True, related_name="themes")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "label"]
        permissions = [
            ("manage_codebook", "Can approve, merge and retire themes"),
            ("code_segments", "Can code and review segments"),
            ("view_reports", "Can see theme reports"),
        ]

    def __str__(self) -> str:
        return f"{self.parent.label} › {self.label}" if self.parent_id else self.label
