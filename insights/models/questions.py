"""The seven core questions that local programmes are benchmarked against."""

from django.db import models

from engagement.models import TimeStampedModel


class CoreQuestion(TimeStampedModel):
    key = models.SlugField(max_length=80, unique=True)
    number = models.PositiveSmallIntegerField(unique=True)
    short_title = models.CharField(max_length=80)
    question = models.TextField()
    guidance = models.TextField(blank=True, help_text="What good evidence for this looks like.")

    class Meta:
        ordering = ["number"]
        verbose_name = "core question"

    def __str__(self) -> str:
        return f"{self.number}. {self.short_title}"
