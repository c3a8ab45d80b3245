"""Versioned consent statements. A record of consent always points at the exact wording the
person agreed to, so changing the wording never rewrites what someone consented to."""

from django.db import models

from .base import TimeStampedModel


class ConsentStatement(TimeStampedModel):
    class Purpose(models.TextChoices):
        TAKE_PART = "take-part", "Take part in a session"
        RECORD = "record", "Be recorded and transcribed"
        SURVEY = "survey", "Answer a survey"
        CONVERSATION = "conversation", "Have a conversation logged"

    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    version = models.PositiveIntegerField()
    text = models.TextField()
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="unique_consent_version"),
            models.UniqueConstraint(
                fields=["purpose"],
                condition=models.Q(is_current=True),
                name="one_current_consent_per_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} (version {self.version})"

    @classmethod
    def current(cls, purpose: str) -> "ConsentStatement":
        return cls.objects.get(purpose=purpose, is_current=True)
