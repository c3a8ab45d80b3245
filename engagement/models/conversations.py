"""One-to-one conversations logged by EHL associates, and engagement with employers."""

from django.conf import settings
from django.db import models

from .base import PublicIdModel, TimeStampedModel
from .consent import ConsentStatement
from .organisations import Organisation
from .places import Place
from .stakeholders import StakeholderGroup


class HealthCondition(models.TextChoices):
    MENTAL_HEALTH = "mental-health", "Mental health condition"
    MUSCULOSKELETAL = "musculoskeletal", "Musculoskeletal (back, joints, muscles)"
    LONG_TERM = "long-term", "Long-term physical condition (such as diabetes or heart disease)"
    NEURODIVERGENCE = "neurodivergence", "Autism, ADHD or a learning disability"
    SENSORY = "sensory", "Sight or hearing loss"
    NEUROLOGICAL = "neurological", "Neurological condition (such as epilepsy or MS)"
    LONG_COVID = "long-covid", "Long COVID or chronic fatigue"
    SUBSTANCE = "substance", "Drug or alcohol dependence"
    OTHER = "other", "Other"


class ConversationLog(PublicIdModel, TimeStampedModel):
    """What a resident, employer or service told an associate, in the programme's structure.

    Each free-text answer becomes a segment; the associate and the person stay out of analysis,
    which sees only the log's pseudonymous reference."""

    class Onset(models.TextChoices):
        SINCE_BIRTH = "since-birth", "Since birth or childhood"
        ILLNESS = "illness", "Illness"
        INJURY = "injury", "Injury or accident"
        WORK = "work", "Caused or made worse by work"
        LIFE_EVENT = "life-event", "A life event (such as bereavement)"
        UNKNOWN = "unknown", "Not known or not said"

    associate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conversation_logs"
    )
    held_on = models.DateField()
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    stakeholder_group = models.CharField(max_length=24, choices=StakeholderGroup.choices)
    cohorts = models.ManyToManyField(
        "engagement.Cohort",
        blank=True,
        related_name="+",
        help_text="Groups the person belongs to that services target, if they said.",
    )
    conditions = models.JSONField(default=list, blank=True)
    condition_other = models.CharField("Other condition", max_length=200, blank=True)
    onset = models.CharField(
        "How the condition came about", max_length=16, choices=Onset.choices, blank=True
    )
    onset_notes = models.TextField("More about how it came about", blank=True)
    effect_on_work = models.TextField("Effect on working life", blank=True)
    effect_on_home = models.TextField("Effect on home life", blank=True)
    what_would_help = models.TextField("What would help to find or stay in work", blank=True)
    consent = models.ForeignKey(ConsentStatement, on_delete=models.PROTECT, related_name="+")
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    follow_up_needed = models.BooleanField(default=False)
    follow_up_notes = models.TextField(blank=True)

    TEXT_FIELDS = ("onset_notes", "effect_on_work", "effect_on_home", "what_would_help")

    class Meta:
        ordering = ["-held_on", "-pk"]
        permissions = [("log_conversations", "Can log conversations and employer engagement")]

    def __str__(self) -> str:
        return f"Conversation {str(self.public_id)[:8]} on {self.held_on:%d %b %Y}"

    def condition_labels(self) -> list[str]:
        labels = dict(HealthCondition.choices)
        named = [labels.get(key, key) for key in self.conditions if key != "other"]
        return named + ([self.condition_other] if self.condition_other else [])


class EmployerEngagement(PublicIdModel, TimeStampedModel):
    """A contact with an employer: what was offered, what they took up, and what they said."""

    class Commitment(models.TextChoices):
        EAP = "eap", "Employee Assistance Programme"
        COUNSELLING = "counselling", "Counselling for staff"
        FAIR_EMPLOYMENT = "fair-employment-charter", "Fair Employment Charter"
        DISABILITY_CONFIDENT = "disability-confident", "Disability Confident"
        MHFA = "mhfa", "Mental Health First Aid in the workplace"
        WORK_PLACEMENTS = "work-placements", "Work placements or trials"

    employer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="employer_engagements"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField()
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mhfa_places_offered = models.PositiveSmallIntegerField(
        "Mental Health First Aid places offered", default=0
    )
    mhfa_places_booked = models.PositiveSmallIntegerField(
        "Mental Health First Aid places booked", default=0
    )
    commitments = models.JSONField(default=list, blank=True)
    notes = models.TextField("What the employer told us", blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mhfa_places_booked__lte=models.F("mhfa_places_offered")),
                name="mhfa_booked_within_offered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer} on {self.held_on:%d %b %Y}"

    def commitment_labels(self) -> list[str]:
        labels = dict(self.Commitment.choices)
        return [labels.get(key, key) for key in self.commitments]
