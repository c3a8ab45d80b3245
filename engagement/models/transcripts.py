"""Uploaded transcripts of sessions, roundtable tables and conversations.

The uploaded file is parsed at once (a malformed file is refused with the line or cue at fault,
and nothing is stored); the turns are kept with speakers already mapped to pseudonyms. The raw
file is kept only when everyone recorded consented to recording, and the retention job deletes
it after its period."""

from django.conf import settings
from django.db import models

from .base import PublicIdModel, TimeStampedModel
from .claims import private_storage
from .conversations import ConversationLog
from .focus_groups import FocusGroup
from .roundtables import RoundtableTable


def transcript_path(instance, filename: str) -> str:
    return f"transcripts/{instance.public_id}/{filename}"


class Transcript(PublicIdModel, TimeStampedModel):
    class Format(models.TextChoices):
        TXT = "txt", "Plain text"
        DOCX = "docx", "Word document"
        VTT = "vtt", "WebVTT captions"
        SRT = "srt", "SubRip captions"

    focus_group = models.ForeignKey(
        FocusGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="transcripts"
    )
    roundtable_table = models.ForeignKey(
        RoundtableTable, null=True, blank=True, on_delete=models.PROTECT, related_name="transcripts"
    )
    conversation = models.ForeignKey(
        ConversationLog, null=True, blank=True, on_delete=models.PROTECT, related_name="transcripts"
    )
    title = models.CharField(max_length=160)
    format = models.CharField(max_length=8, choices=Format.choices)
    original = models.FileField(
        storage=private_storage, upload_to=transcript_path, blank=True, max_length=255
    )
    original_name = models.CharField(max_length=255)
    original_deleted_at = models.DateTimeField(null=True, blank=True)
    keep_original = models.BooleanField(
        default=False, help_text="Only when everyone recorded agreed to recording."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The parsed turns: [{"index", "speaker", "start", "end", "text"}] with speaker already a
    # pseudonym ("Participant 2"); the real names never reach the database.
    turns = models.JSONField(default=list)
    # pseudonym -> {"role": "facilitator"|"participant", "stakeholder_group": "..."}
    speakers = models.JSONField(default=dict)
    warnings = models.JSONField(default=list, blank=True)
    # Redaction inputs, kept so reviewers' corrections can be re-applied: the speakers' real
    # names (always redacted wherever they appear), more text to redact, and text wrongly
    # redacted. Personal data: cleared with the original by the retention job.
    redaction_names = models.JSONField(default=list, blank=True)
    redaction_additions = models.JSONField(default=list, blank=True)
    redaction_exceptions = models.JSONField(default=list, blank=True)
    # What the last segment build redacted: [{"kind", "text", "count"}], for reviewers to check.
    redaction_log = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        focus_group__isnull=False,
                        roundtable_table__isnull=True,
                        conversation__isnull=True,
                    )
                    | models.Q(
                        focus_group__isnull=True,
                        roundtable_table__isnull=False,
                        conversation__isnull=True,
                    )
                    | models.Q(
                        focus_group__isnull=True,
                        roundtable_table__isnull=True,
                        conversation__isnull=False,
                    )
                ),
                name="transcript_attached_to_exactly_one_source",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def attached_to(self):
        return self.focus_group or self.roundtable_table or self.conversation

    @property
    def organisation(self):
        """The organisation whose staff may see this transcript (the session's host)."""
        return self.focus_group.organisation if self.focus_group_id else None
