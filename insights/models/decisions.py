"""From themes to decisions: the four instruments the programme decides with.

* **Service map**: `Programme` (a service or programme, who runs it, where, for whom).
* **Benchmarking**: an `Assessment` of a programme against each `CoreQuestion`, with evidence
  links (approved themes, quotes, documents, `BestPracticeEvidence`).
* **Options appraisal**: `Option`s scored against weighted `Criterion`s inside an `Appraisal`;
  each `AppraisalVersion` freezes the weights, scores and who scored them.
* **Equity audit**: an uploaded `CensusReference` (counts per Place and group) compared with
  participants or a `ClientExtract`. Uploads keep counts only, never client rows."""

from django.conf import settings
from django.db import models

from engagement.models import Cohort, Organisation, Place, TimeStampedModel

from .codebook import Theme
from .questions import CoreQuestion
from .segments import Segment

# --- Service map ---------------------------------------------------------------------------------


class Programme(TimeStampedModel):
    """An employment, skills or health-and-work programme or service on the service map."""

    class Level(models.TextChoices):
        LOCAL = "local", "Local"
        REGIONAL = "regional", "Regional"
        NATIONAL = "national", "National"

    class Sector(models.TextChoices):
        LOCAL_AUTHORITY = "local-authority", "Local authority"
        NHS = "nhs", "NHS"
        VCFSE = "vcfse", "VCFSE"
        DWP = "dwp", "DWP / Jobcentre Plus"
        EDUCATION = "education", "Education"
        COMBINED_AUTHORITY = "combined-authority", "Combined authority"

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    provider_name = models.CharField("Provider organisation", max_length=200)
    provider = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="programmes"
    )
    places = models.ManyToManyField(Place, blank=True, related_name="programmes")
    commissioning_level = models.CharField(max_length=16, choices=Level.choices)
    lead_sector = models.CharField(max_length=24, choices=Sector.choices)
    funding_stream = models.CharField(max_length=200, blank=True)
    cohorts = models.ManyToManyField(Cohort, blank=True, related_name="programmes")
    eligibility = models.TextField("Eligibility rules", blank=True)
    referral_routes = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    url = models.URLField("Link", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- Benchmarking --------------------------------------------------------------------------------


class BestPracticeEvidence(TimeStampedModel):
    """A published standard or evidence summary a programme can be held against (e.g. IPS
    fidelity)."""

    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "best-practice evidence"

    def __str__(self) -> str:
        return self.title


class Assessment(TimeStampedModel):
    """How well one programme answers one core question, and the evidence for saying so."""

    class Rating(models.TextChoices):
        STRONG = "strong", "Strong"
        PARTIAL = "partial", "Partial"
        WEAK = "weak", "Weak"
        NONE = "none", "No evidence"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="assessments")
    question = models.ForeignKey(CoreQuestion, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=8, choices=Rating.choices, default=Rating.NONE)
    narrative = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+")
    quotes = models.ManyToManyField(Segment, blank=True, related_name="+")
    best_practice = models.ManyToManyField(BestPracticeEvidence, blank=True, related_name="+")
    # [{"title": ..., "url": ...}]: reports, evaluations, web pages.
    documents = models.JSONField(default=list, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["programme__name", "question__number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "question"], name="one_assessment_each")
        ]

    def __str__(self) -> str:
        return f"{self.programme} / {self.question}"


class AssessmentRevision(models.Model):
    """One saved version of an assessment, kept every time a lead saves it: what it said, who
    saved it and when. `snapshot` is {"rating", "narrative", "themes": [labels],
    "best_practice": [titles], "quotes": [segment ids], "documents": [{"title", "url"}]}."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    rating = models.CharField(max_length=8, choices=Assessment.Rating.choices)
    snapshot = models.JSONField(default=dict)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} v{self.number}"


# --- Options appraisal ---------------------------------------------------------------------------


class Option(TimeStampedModel):
    """An intervention the programme could commission or redesign."""

    class Pillar(models.TextChoices):
        PREPARATION = "preparation", "Preparation"
        PREVENTION = "prevention", "Prevention"
        EARLY_INTERVENTION = "early-intervention", "Early intervention"
        LONGER_TERM = "longer-term", "Longer-term change"

    key = models.SlugField(max_length=80, unique=True)
    pillar = models.CharField(max_length=24, choices=Pillar.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    cohorts = models.ManyToManyField(Cohort, blank=True, related_name="options")
    places = models.ManyToManyField(Place, blank=True, related_name="options")
    estimated_cost = models.DecimalField(
        "Estimated cost (£)", max_digits=12, decimal_places=0, null=True, blank=True
    )
    evidence = models.TextField(blank=True, help_text="What the evidence says, with sources.")
    themes = models.ManyToManyField(
        Theme,
        blank=True,
        related_name="options",
        help_text="Approved themes that speak for this option: they give its stakeholder support.",
    )

    class Meta:
        ordering = ["pillar", "title"]

    def __str__(self) -> str:
        return self.title


class Criterion(TimeStampedModel):
    """Something options are judged on. Cost-direction criteria count against an option."""

    class Direction(models.TextChoices):
        BENEFIT = "benefit", "Higher is better"
        COST = "cost", "Higher is worse"

    class Source(models.TextChoices):
        SCORED = "scored", "Scored by people"
        STAKEHOLDER_SUPPORT = "stakeholder-support", "Computed from approved themes"

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default="benefit")
    source = models.CharField(max_length=24, choices=Source.choices, default=Source.SCORED)
    default_weight = models.FloatField(default=1.0)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return self.name


class Appraisal(TimeStampedModel):
    """One appraisal exercise: which options, which weights, which scores."""

    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    options = models.ManyToManyField(Option, related_name="appraisals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class AppraisalWeight(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="weights")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    weight = models.FloatField()

    class Meta:
        ordering = ["criterion__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "criterion"], name="one_weight_each")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.weight}"


class AppraisalScore(models.Model):
    """One option's score on one criterion (0 to 5), why, and who gave it when."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="scores")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    rationale = models.TextField(blank=True)
    evidence_themes = models.ManyToManyField(Theme, blank=True, related_name="+")
    evidence_url = models.URLField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "option", "criterion"], name="one_score_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.option} / {self.criterion}: {self.score}"


class AppraisalVersion(models.Model):
    """A frozen copy of an appraisal: weights, scores (with scorer and time) and the result."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(max_length=240, blank=True)
    snapshot = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appraisal", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.appraisal} v{self.number}"


# --- Equity audit --------------------------------------------------------------------------------


class CensusReference(TimeStampedModel):
    """A reference population: counts by Place × dimension × group, from an uploaded CSV.
    `counts` is [{"place": place key, "dimension": ..., "group": ..., "count": n}]."""

    name = models.CharField(max_length=200)
    source = models.CharField(max_length=200, blank=True, help_text="e.g. Census 2021, ONS.")
    counts = models.JSONField(default=list)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ClientExtract(TimeStampedModel):
    """A service's client extract, reduced on upload to counts (same shape as the census) and,
    when it had an outcome column, the fitted model's odds ratios. Client rows are not kept."""

    name = models.CharField(max_length=200)
    counts = models.JSONField(default=list)
    clients = models.PositiveIntegerField(default=0)
    model = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
