"""Codes: which themes a segment speaks to, who or what said so, and what people decided.

A machine suggestion and a person's code are the same kind of row with a different origin, so
reviewers, agreement measures and reports all read one table. Only codes a person has accepted
or added (status ``accepted``) count as evidence; suggestions wait in the review queue. Every
change is kept as a ``CodeEvent`` so the history of a code can be read back."""

from django.conf import settings
from django.db import models

from engagement.models import TimeStampedModel
from engagement.models.claims import private_storage

from .codebook import BackgroundRun, CodebookVersion, Theme
from .segments import Segment


class SuggesterModel(TimeStampedModel):
    """A trained version of the learned suggester, stored as a file in private storage."""

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=80, default="supervised")
    n_train = models.PositiveIntegerField(default=0)
    labels = models.JSONField(default=list, help_text="Theme keys the model can suggest.")
    # Cross-validated figures measured at training time ({"micro_f1", "macro_f1", ...}).
    metrics = models.JSONField(default=dict, blank=True)
    # Private storage: a model trained on people's words is served to no one.
    artefact = models.FileField(upload_to="models/", storage=private_storage, blank=True)
    codebook_version = models.ForeignKey(
        CodebookVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Which segments it learned from: a subject-access export names the models that used a
    # person's words, and erasing them removes every artefact that learned from them.
    trained_on = models.ManyToManyField(Segment, blank=True, related_name="suggester_models")
    # Artefacts written before model files left out their training texts still carry them;
    # the retention run rewrites those without.
    holds_texts = models.BooleanField(default=False)

    class Meta:
        ordering = ["-version"]
        get_latest_by = "version"

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class CodingRun(BackgroundRun):
    """Coding a set of segments with rules, similarity and the learned model, as a task."""

    codebook_version = models.ForeignKey(
        CodebookVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggester = models.ForeignKey(
        SuggesterModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    suggestions_made = models.PositiveIntegerField(default=0)


class Code(TimeStampedModel):
    class Origin(models.TextChoices):
        RULE = "rule", "Codebook phrase"
        SIMILARITY = "similarity", "Similar to definition"
        MODEL = "model", "Learned model"
        PERSON = "person", "Person"

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="codes")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="codes")
    origin = models.CharField(max_length=16, choices=Origin.choices)
    status = models.CharField(max_length=16, choices=Status.choices, db_index=True)
    score = models.FloatField(null=True, blank=True, help_text="The machine's confidence, 0–1.")
    reason = models.CharField(max_length=300, blank=True)
    # Who or what made the code: a person, or a model with its name and version.
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model_name = models.CharField(max_length=80, blank=True)
    model_version = models.CharField(max_length=40, blank=True)
    run = models.ForeignKey(
        CodingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="codes"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["segment_id", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "theme"], name="one_code_per_theme")
        ]
        indexes = [models.Index(fields=["theme", "status"])]

    def __str__(self) -> str:
        return f"{self.theme} on {self.segment} ({self.status})"

    @property
    def made_by(self) -> str:
        if self.origin == self.Origin.PERSON:
            return "a person"
        return f"{self.model_name} {self.model_version}".strip()


class CodeEvent(models.Model):
    """One change to a code: kept so the history of every decision can be shown."""

    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "model supervised v3" when a machine acted.
    actor_label = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '-'} → {self.to_status or '-'}"


class SegmentReview(models.Model):
    """A person has looked at a segment's codes and settled them; also where quotes are flagged."""

    segment = models.OneToOneField(Segment, on_delete=models.CASCADE, related_name="review")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    powerful_quote = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Review of {self.segment}"


class ReviewPriority(models.Model):
    """Where a waiting segment stands in the "most useful to review next" order, and why.

    Computed in the worker (``insights.services.review_order``) from the learned model and the
    codebook, so the queue never waits on a model; holds no words of the segment."""

    class Kind(models.TextChoices):
        RARE = "rare", "Might be about a theme with few codes"
        UNCERTAIN = "uncertain", "The model is unsure whether a theme applies"
        SPREAD = "spread", "Unlike the segments coded so far"

    segment = models.OneToOneField(
        Segment, on_delete=models.CASCADE, primary_key=True, related_name="review_priority"
    )
    rank = models.PositiveIntegerField(db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL)
    codes_of_theme = models.PositiveIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"#{self.rank} {self.segment_id} ({self.kind})"

    @property
    def reason(self) -> str:
        """Why this segment is near the front of the queue, for the reviewer."""
        label = self.theme.label if self.theme_id else ""
        if self.kind == self.Kind.RARE and label:
            n = self.codes_of_theme or 0
            had = "no codes yet" if n == 0 else f"only {n} code{'s' if n != 1 else ''} so far"
            return f"It might be about “{label}”, which has {had}."
        if self.kind == self.Kind.UNCERTAIN and label:
            return f"The learned model is unsure whether “{label}” applies."
        return "It is unlike the segments people have coded so far."


class DoubleCodingSample(TimeStampedModel):
    """Segments a lead has given to two people to code independently, to measure agreement."""

    name = models.CharField(max_length=120)
    coder_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    coder_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    segments = models.ManyToManyField(Segment, related_name="double_coding_samples")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class SampleCoding(models.Model):
    """One coder's independent judgement of one segment in a sample (possibly no themes)."""

    sample = models.ForeignKey(DoubleCodingSample, on_delete=models.CASCADE, related_name="codings")
    coder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="+")
    themes = models.ManyToManyField(Theme, blank=True, related_name="+")
    coded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "coder", "segment"], name="one_sample_coding_per_coder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sample}: segment {self.segment_id}"
