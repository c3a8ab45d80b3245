"""Recording evidence: roundtable notes, conversation logs, employer engagement, transcripts.

Each function validates, saves, writes an audit entry and announces the record so the analysis
side can build its segments after the commit. Nothing partial is stored on error."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ..evidence import announce_captured, announce_withdrawn
from ..models import (
    ConsentStatement,
    ConversationLog,
    EmployerEngagement,
    RoundtableNote,
    RoundtableSeries,
    RoundtableTable,
    Transcript,
)
from .audit import audit_record


class CaptureError(Exception):
    """A problem the person can fix, with a plain-English message (and the field it concerns)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


# --- Roundtables --------------------------------------------------------------------------------
@transaction.atomic
def roundtable_series_create(*, actor, title: str, purpose: str, questions: list[str]):
    series = RoundtableSeries.objects.create(title=title, purpose=purpose, created_by=actor)
    for position, text in enumerate(questions, start=1):
        series.questions.create(position=position, text=text)
    audit_record("roundtable.series_created", actor=actor, target=series)
    return series


@dataclass
class NoteEntry:
    question_id: int
    text: str
    horizon: str = ""
    help_level: str = ""
    stakeholder_group: str = ""


@transaction.atomic
def roundtable_notes_add(*, table: RoundtableTable, actor, entries: list[NoteEntry]) -> int:
    """Add the notes typed for one table in one go; empty entries are skipped."""
    valid_questions = set(table.event.series.questions.values_list("pk", flat=True))
    notes = []
    for entry in entries:
        if not entry.text.strip():
            continue
        if entry.question_id not in valid_questions:
            raise CaptureError("That question is not part of this roundtable series.")
        notes.append(
            RoundtableNote(
                table=table,
                question_id=entry.question_id,
                text=entry.text.strip(),
                horizon=entry.horizon,
                help_level=entry.help_level,
                stakeholder_group=entry.stakeholder_group,
                recorded_by=actor,
            )
        )
    if not notes:
        raise CaptureError("Type a note for at least one question.")
    RoundtableNote.objects.bulk_create(notes)
    audit_record("roundtable.notes_added", actor=actor, target=table, count=len(notes))
    announce_captured(table)
    return len(notes)


@transaction.atomic
def roundtable_note_delete(*, note: RoundtableNote, actor) -> None:
    table = note.table
    note.delete()
    audit_record("roundtable.note_deleted", actor=actor, target=table)
    announce_captured(table)


# --- Conversations and employers ------------------------------------------------------------------
@transaction.atomic
def conversation_log_save(*, log: ConversationLog, actor, cohorts=None) -> ConversationLog:
    """Create or update a conversation log (the form has already validated its fields)."""
    created = log.pk is None
    if created:
        log.associate = actor
        log.consent = ConsentStatement.current(ConsentStatement.Purpose.CONVERSATION)
    log.full_clean()
    log.save()
    if cohorts is not None:
        log.cohorts.set(cohorts)
    audit_record(
        "conversation.logged" if created else "conversation.updated", actor=actor, target=log
    )
    announce_captured(log)
    return log


@transaction.atomic
def conversation_consent_withdraw(*, log: ConversationLog, actor) -> ConversationLog:
    log.consent_withdrawn_at = timezone.now()
    log.save(update_fields=["consent_withdrawn_at", "updated_at"])
    audit_record("conversation.consent_withdrawn", actor=actor, target=log)
    announce_withdrawn(log)
    return log


@transaction.atomic
def employer_engagement_save(*, engagement: EmployerEngagement, actor) -> EmployerEngagement:
    created = engagement.pk is None
    if created:
        engagement.recorded_by = actor
    if engagement.mhfa_places_booked > engagement.mhfa_places_offered:
        raise CaptureError(
            "Places booked cannot be more than places offered.", field="mhfa_places_booked"
        )
    engagement.full_clean()
    engagement.save()
    audit_record(
        "employer_engagement.recorded" if created else "employer_engagement.updated",
        actor=actor,
        target=engagement,
        organisation=engagement.employer,
    )
    announce_captured(engagement)
    return engagement


# --- Transcripts -------------------------------------------------------------------------------
EXTENSIONS = {"txt", "docx", "vtt", "srt"}


def transcript_upload(
    *,
    actor,
    data: bytes,
    filename: str,
    title: str,
    facilitators: list[str],
    keep_original: bool,
    focus_group=None,
    roundtable_table=None,
    conversation=None,
) -> Transcript:
    """Parse, pseudonymise and store an uploaded transcript, then queue its segments.

    Raises CaptureError naming the problem (and the line or cue) for a file that cannot be
    read; nothing is stored in that case."""
    from nlp.text.speakers import assign_pseudonyms
    from nlp.text.transcripts import TranscriptError, parse_transcript

    from ..uploads import stored_name

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in EXTENSIONS:
        raise CaptureError(
            "Upload a .txt, .docx, .vtt or .srt file (Teams and Zoom exports work).", field="file"
        )
    try:
        parsed = parse_transcript(data, filename, max_bytes=settings.EHL_TRANSCRIPT_MAX_BYTES)
    except TranscriptError as error:
        raise CaptureError(str(error), field="file") from error

    speakers = assign_pseudonyms(parsed, facilitators)
    turns = [
        {
            "index": turn.index,
            "speaker": speakers[turn.speaker].pseudonym if turn.speaker in speakers else "",
            "start": turn.start,
            "end": turn.end,
            "text": turn.text,
        }
        for turn in parsed.turns
    ]
    with transaction.atomic():
        transcript = Transcript(
            focus_group=focus_group,
            roundtable_table=roundtable_table,
            conversation=conversation,
            title=title,
            format=parsed.format,
            original_name=filename[:255],
            keep_original=keep_original,
            uploaded_by=actor,
            turns=turns,
            speakers={
                info.pseudonym: {"role": info.role, "turns": info.turns}
                for info in speakers.values()
            },
            warnings=list(parsed.warnings),
            redaction_names=sorted(speakers),
        )
        transcript.full_clean(exclude=["original"])
        transcript.save()
        if keep_original:
            # Named by what the content parsed as, never by the extension the sender chose.
            transcript.original.save(
                stored_name(filename, parsed.format, default="transcript"),
                ContentFile(data),
                save=True,
            )
        audit_record(
            "transcript.uploaded",
            actor=actor,
            target=transcript,
            organisation=transcript.organisation,
            turns=len(turns),
        )
        announce_captured(transcript)
    return transcript


@transaction.atomic
def transcript_speakers_update(*, transcript: Transcript, actor, roles: dict[str, dict]) -> None:
    """Change speakers' roles (facilitator turns are not coded) and stakeholder groups."""
    for pseudonym, change in roles.items():
        if pseudonym in transcript.speakers:
            transcript.speakers[pseudonym].update(change)
    transcript.save(update_fields=["speakers", "updated_at"])
    audit_record("transcript.speakers_updated", actor=actor, target=transcript)
    announce_captured(transcript)


@transaction.atomic
def transcript_redactions_correct(
    *, transcript: Transcript, actor, add: list[str], keep: list[str]
) -> None:
    """A reviewer's corrections: more text to redact, and text that was wrongly redacted."""
    transcript.redaction_additions = sorted({*transcript.redaction_additions, *add} - {""})
    transcript.redaction_exceptions = sorted({*transcript.redaction_exceptions, *keep} - {""})
    transcript.save(update_fields=["redaction_additions", "redaction_exceptions", "updated_at"])
    audit_record("transcript.redactions_corrected", actor=actor, target=transcript)
    announce_captured(transcript)


# --- Surveys -----------------------------------------------------------------------------------
@transaction.atomic
def survey_consent_withdraw(*, response, actor) -> None:
    """The respondent no longer wants their answers used: they leave analysis at once."""
    if response.consent_withdrawn_at is not None:
        return
    response.consent_withdrawn_at = timezone.now()
    response.save(update_fields=["consent_withdrawn_at"])
    audit_record("survey.consent_withdrawn", actor=actor, target=response)
    announce_withdrawn(response)
