"""The codebook: hierarchical themes that segments are coded into.

Machines may propose themes (discovery), but only approved themes reach reports."""

from django.conf import settings
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
    # Set when a lead merges this theme into another: its codes move there and it is retired.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    # What discovery said about a candidate: where it came from and what it looked like.
    discovery_run = models.ForeignKey(
        "DiscoveryRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates"
    )
    key_terms = models.JSONField(default=list, blank=True)
    size = models.PositiveIntegerField(default=0, help_text="Segments in the discovered topic.")
    representative_segments = models.ManyToManyField(
        "Segment", blank=True, related_name="+", help_text="Quotes that show what it is about."
    )
    nearest_theme = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nearest_similarity = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["sort_order", "label"]
        permissions = [
            ("manage_codebook", "Can approve, merge and retire themes"),
            ("code_segments", "Can code and review segments"),
            ("view_reports", "Can see theme reports"),
        ]

    def __str__(self) -> str:
        return f"{self.parent.label} › {self.label}" if self.parent_id else self.label


class CodebookVersion(models.Model):
    """A numbered state of the codebook. Every governance change makes a new version, and every
    report names the version it was built with, so a figure can be traced to its themes."""

    number = models.PositiveIntegerField(unique=True)
    note = models.CharField(max_length=240, blank=True)
    # The approved themes at this version: [{"key", "label", "parent", "definition", ...}].
    snapshot = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"

    def __str__(self) -> str:
        return f"Codebook v{self.number}"


class CodebookChange(models.Model):
    """One governance action on the codebook (approve, rename, merge, split, reject, import)."""

    class Action(models.TextChoices):
        CREATE = "create", "Added"
        EDIT = "edit", "Edited"
        APPROVE = "approve", "Approved"
        RENAME = "rename", "Renamed"
        MERGE = "merge", "Merged"
        SPLIT = "split", "Split"
        REJECT = "reject", "Rejected"
        RETIRE = "retire", "Retired"
        IMPORT = "import", "Imported"

    version = models.ForeignKey(CodebookVersion, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=16, choices=Action.choices)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    detail = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} in v{self.version.number}"


class BackgroundRun(TimeStampedModel):
    """Common shape of an NLP run done by the worker, with progress people can watch."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # The segment filter the run covers, as report filters spell it (place, group, source, ...).
    segment_filter = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker has started the run; a run whose worker died is started again
    # (`manage.py recover_stale_runs`) until this reaches a limit, then marked failed.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else int(100 * self.done / (self.total or 1))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class DiscoveryRun(BackgroundRun):
    """Topic discovery over segments; its topics become candidate themes for a lead to judge."""

    codebook_version = models.ForeignKey(
        CodebookVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    segments_used = models.PositiveIntegerField(default=0)
    outliers = models.PositiveIntegerField(default=0)
    seed = models.PositiveIntegerField(default=42)
