"""Roundtables for context mapping: a series of events (rounds), each with facilitated tables
that mix stakeholder types, a shared set of key questions, and notes per table per question."""

from django.conf import settings
from django.db import models

from .base import PublicIdModel, TimeStampedModel
from .places import Place
from .stakeholders import StakeholderGroup


class RoundtableSeries(PublicIdModel, TimeStampedModel):
    title = models.CharField(max_length=160)
    purpose = models.TextField(blank=True, help_text="What the series is for, in plain English.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "roundtable series"
        permissions = [("record_roundtables", "Can run roundtables and record their notes")]

    def __str__(self) -> str:
        return self.title


class RoundtableQuestion(models.Model):
    """A key question every table discusses in every round, so rounds can be compared."""

    series = models.ForeignKey(RoundtableSeries, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class RoundtableEvent(PublicIdModel, TimeStampedModel):
    series = models.ForeignKey(RoundtableSeries, on_delete=models.CASCADE, related_name="events")
    round_number = models.PositiveSmallIntegerField()
    held_on = models.DateField()
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    venue = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["series", "round_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "round_number"], name="one_event_per_round_in_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series.title}: round {self.round_number}"


class RoundtableTable(PublicIdModel, models.Model):
    event = models.ForeignKey(RoundtableEvent, on_delete=models.CASCADE, related_name="tables")
    name = models.CharField(max_length=80, help_text="For example ‘Table 3’ or ‘Green table’.")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    participants = models.JSONField(
        default=dict,
        blank=True,
        help_text="How many people of each stakeholder type sat at the table.",
    )

    class Meta:
        ordering = ["event", "name"]

    def __str__(self) -> str:
        return f"{self.event} – {self.name}"

    def participant_summary(self) -> list[tuple[str, int]]:
        labels = dict(StakeholderGroup.choices)
        return [(labels.get(key, key), n) for key, n in self.participants.items() if n]


class RoundtableNote(TimeStampedModel):
    class Horizon(models.TextChoices):
        SHORT = "short", "Short term"
        MEDIUM = "medium", "Medium term"
        LONG = "long", "Long term"

    class HelpLevel(models.TextChoices):
        LIMITED = "limited", "People who need limited help"
        EXTENSIVE = "extensive", "People who need extensive help"
        BOTH = "both", "Both"

    table = models.ForeignKey(RoundtableTable, on_delete=models.CASCADE, related_name="notes")
    question = models.ForeignKey(RoundtableQuestion, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField()
    horizon = models.CharField(max_length=8, choices=Horizon.choices, blank=True)
    help_level = models.CharField(max_length=12, choices=HelpLevel.choices, blank=True)
    stakeholder_group = models.CharField(
        max_length=24,
        choices=StakeholderGroup.choices,
        blank=True,
        help_text="Whose point this was, when it came from one kind of participant.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["question__position", "pk"]
