"""Segments: the one analysable stream that every capture setting turns into.

A segment is a sentence- or turn-sized piece of redacted text with its provenance: where it came
from, who said it (a pseudonym, never a name), whose consent covers it, and when it was said."""

from django.db import models

from engagement.models import Cohort, ConsentStatement, FocusGroup, Place, TimeStampedModel
from engagement.models.stakeholders import StakeholderGroup


def in_analysis_q(prefix: str = "") -> models.Q:
    """The rule for what may be analysed and reported (consent stands and the turn is codable),
    as a condition on segments or, with ``prefix="segment__"``, on rows that point at one."""
    return models.Q(**{f"{prefix}withdrawn_at__isnull": True, f"{prefix}codable": True})


class SegmentQuerySet(models.QuerySet):
    def in_analysis(self):
        """Segments that may be analysed and reported: consent stands and the turn is codable."""
        return self.filter(in_analysis_q())

    def from_source(self, source_type: str, source_id):
        return self.filter(source_type=source_type, source_id=str(source_id))


class Segment(TimeStampedModel):
    class SourceType(models.TextChoices):
        SURVEY = "survey", "Survey answer"
        ROUNDTABLE = "roundtable", "Roundtable note"
        CONVERSATION = "conversation", "Conversation log"
        EMPLOYER = "employer", "Employer engagement"
        TRANSCRIPT = "transcript", "Transcript"

    source_type = models.CharField(max_length=16, choices=SourceType.choices)
    # The capture record's public identifier (or key), and which part of it the text came from
    # (a question, a field, a turn number).
    source_id = models.CharField(max_length=64)
    source_part = models.CharField(max_length=80, blank=True)
    position = models.PositiveIntegerField(default=0)
    stakeholder_group = models.CharField(max_length=24, choices=StakeholderGroup.choices)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="segments"
    )
    # Which focus group it was said in, when it was (for reports filtered by session).
    focus_group = models.ForeignKey(
        FocusGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="segments"
    )
    cohorts = models.ManyToManyField(Cohort, blank=True, related_name="segments")
    said_on = models.DateField()
    round_number = models.PositiveSmallIntegerField(null=True, blank=True)
    # A stable pseudonymous key for the person, used to count distinct people and to find their
    # segments when they withdraw; `speaker` is the label reviewers see ("Participant 2").
    person_key = models.CharField(max_length=64, db_index=True)
    speaker = models.CharField(max_length=80, blank=True)
    consent = models.ForeignKey(
        ConsentStatement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(help_text="Redacted text: what analysis and reports see.")
    # A keyed hash of the words before redaction, so a rebuilt record's pieces find the segment
    # (and the codes) that hold the same words wherever they have moved. Blank on rows built
    # before it existed: those match on their redacted text.
    content_key = models.CharField(max_length=64, blank=True, default="")
    # [{"start", "end", "kind"}] offsets into `text`'s source before redaction, for reviewers.
    redactions = models.JSONField(default=list, blank=True)
    codable = models.BooleanField(
        default=True, help_text="Facilitators' turns are kept for context but not coded."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = SegmentQuerySet.as_manager()

    class Meta:
        ordering = ["source_type", "source_id", "position"]
        indexes = [
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["stakeholder_group", "said_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_type_display()} {self.source_id[:8]} #{self.position}"


class SegmentBuild(TimeStampedModel):
    """A background run that turns one capture record into segments, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    source_type = models.CharField(max_length=16, choices=Segment.SourceType.choices)
    source_id = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    segments_created = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker has started the build (see BackgroundRun.attempts).
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else int(100 * self.done / (self.total or 1))
