"""Rounds of listening: the periods in which the programme runs its focus groups, surveys and
conversations. Everything said within a round's dates carries its number, so a report can set
one round against the next whichever way the evidence was gathered."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models

from .base import TimeStampedModel


class EngagementRound(TimeStampedModel):
    number = models.PositiveSmallIntegerField(
        unique=True, help_text="Rounds are compared in this order (1, 2, 3…)."
    )
    name = models.CharField(max_length=120, help_text="For example ‘Spring listening round’.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    description = models.TextField(blank=True, help_text="What this round set out to hear.")

    class Meta:
        ordering = ["number"]
        verbose_name = "engagement round"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="engagement_round_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Round {self.number}: {self.name}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                raise ValidationError({"ends_on": "A round must end on or after its first day."})
            overlapping = EngagementRound.objects.exclude(pk=self.pk).filter(
                starts_on__lte=self.ends_on, ends_on__gte=self.starts_on
            )
            clash = overlapping.first()
            if clash is not None:
                raise ValidationError(
                    f"These dates overlap round {clash.number} ({clash.starts_on:%d %b %Y} to "
                    f"{clash.ends_on:%d %b %Y}): a day can belong to one round only."
                )

    @classmethod
    def number_on(cls, day: date) -> int | None:
        """The number of the round that `day` falls in, if any."""
        return (
            cls.objects.filter(starts_on__lte=day, ends_on__gte=day)
            .values_list("number", flat=True)
            .first()
        )
