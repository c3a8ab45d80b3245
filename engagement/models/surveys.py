"""Survey responses, stored apart from the Wagtail page that asked the questions.

A response keeps the answers, the exact consent wording agreed to, and (unless the person chose
to stay anonymous) who they are. Answers to questions marked "analyse" are copied into
`analysed_answers` at submission, so analysis never needs the page's current form, which may
have changed since. Demographic answers go to `SurveyDemographics`, which has no link to the
response: they can only ever be used in aggregate."""

import uuid

from django.conf import settings
from django.db import models
from wagtail.contrib.forms.models import AbstractFormSubmission

from .consent import ConsentStatement
from .places import Place
from .stakeholders import StakeholderGroup


class SurveyResponse(AbstractFormSubmission):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    contact_email = models.EmailField(blank=True)
    anonymous = models.BooleanField(default=False)
    consent = models.ForeignKey(ConsentStatement, on_delete=models.PROTECT, related_name="+")
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    stakeholder_group = models.CharField(
        max_length=24, choices=StakeholderGroup.choices, default=StakeholderGroup.RESIDENT
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A hidden key sent with the form: a double-clicked submit stores one response.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # {clean_name: {"label": question, "text": answer}} for questions marked "analyse".
    analysed_answers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-submit_time"]
        permissions = [("view_survey_results", "Can see and export survey results")]

    @property
    def person_key(self) -> str:
        """Pseudonymous: the account's pseudonym, or the response's own random id."""
        return (
            str(self.user.pseudonym) if self.user_id and not self.anonymous else str(self.public_id)
        )


class SurveyDemographics(models.Model):
    """Optional 'about you' answers, kept apart from the answers they came with."""

    class AgeBand(models.TextChoices):
        UNDER_25 = "16-24", "16 to 24"
        AGE_25_34 = "25-34", "25 to 34"
        AGE_35_49 = "35-49", "35 to 49"
        AGE_50_64 = "50-64", "50 to 64"
        OVER_65 = "65+", "65 or over"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"

    class Ethnicity(models.TextChoices):
        WHITE = "white", "White"
        MIXED = "mixed", "Mixed or multiple ethnic groups"
        ASIAN = "asian", "Asian or Asian British"
        BLACK = "black", "Black, Black British, Caribbean or African"
        OTHER = "other", "Other ethnic group"

    class Employment(models.TextChoices):
        EMPLOYED = "employed", "In work"
        UNEMPLOYED = "unemployed", "Looking for work"
        INACTIVE_HEALTH = "inactive-health", "Not working because of my health"
        INACTIVE_CARING = "inactive-caring", "Not working because I care for someone"
        EDUCATION = "education", "In education or training"
        RETIRED = "retired", "Retired"
        OTHER = "other", "Other"

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    # The month only: a day and time could be matched back to a response.
    month = models.DateField()
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, blank=True)
    sex = models.CharField(max_length=8, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=8, choices=Ethnicity.choices, blank=True)
    disability = models.BooleanField(null=True, blank=True)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employment_status = models.CharField(max_length=16, choices=Employment.choices, blank=True)

    class Meta:
        verbose_name_plural = "survey demographics"

    def __str__(self) -> str:
        return f"About-you answers, {self.month:%B %Y}"
