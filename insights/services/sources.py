"""What each capture setting says, as plain units of text with provenance.

One function per kind of record turns it into `SourceText`s; `segments.py` then redacts and
splits them the same way whatever they came from. Adding a capture setting means adding one
function here and one entry in `SOURCES`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from engagement.models import (
    Cohort,
    ConsentStatement,
    ConversationLog,
    EmployerEngagement,
    EngagementRound,
    FocusGroup,
    Place,
    RoundtableTable,
    StakeholderGroup,
    SurveyResponse,
    Transcript,
)

from ..models import Segment


@dataclass
class SourceText:
    part: str
    text: str
    person_key: str
    stakeholder_group: str
    said_on: date
    place: Place | None = None
    round_number: int | None = None
    speaker: str = ""
    codable: bool = True
    consent: ConsentStatement | None = None
    whole_turn: bool = False  # transcripts: keep a turn whole unless it is long
    withdrawn: bool = False


@dataclass
class SourceBundle:
    """Everything needed to (re)build one record's segments."""

    texts: list[SourceText]
    known_names: list[str] = field(default_factory=list)
    extra_redactions: list[str] = field(default_factory=list)
    redaction_exceptions: list[str] = field(default_factory=list)
    withdrawn: bool = False
    focus_group: FocusGroup | None = None
    cohorts: list[Cohort] = field(default_factory=list)
    # The raw material is gone (retention): the record's segments stand as they are and cannot
    # be rebuilt, since a rebuild from nothing would delete them.
    source_removed: bool = False


def listening_round(said_on: date) -> int | None:
    """The engagement round a day belongs to. Roundtables number their own rounds (a series of
    events), so only the other settings take their round from the calendar of rounds."""
    return EngagementRound.number_on(said_on)


def survey_texts(response: SurveyResponse) -> SourceBundle:
    said_on = response.submit_time.date()
    round_number = listening_round(said_on)
    return SourceBundle(
        texts=[
            SourceText(
                part=name,
                text=answer["text"],
                person_key=response.person_key,
                stakeholder_group=response.stakeholder_group,
                said_on=said_on,
                place=response.place,
                round_number=round_number,
                consent=response.consent,
            )
            for name, answer in response.analysed_answers.items()
        ],
        withdrawn=response.consent_withdrawn_at is not None,
    )


def roundtable_texts(table: RoundtableTable) -> SourceBundle:
    event = table.event
    texts = [
        SourceText(
            part=f"q{note.question_id}:n{note.pk}",
            text=note.text,
            # Notes summarise a table's discussion, not one person: the table is the "person".
            person_key=f"table:{table.public_id}",
            stakeholder_group=note.stakeholder_group or StakeholderGroup.OTHER_SERVICE,
            said_on=event.held_on,
            place=event.place,
            round_number=event.round_number,
            speaker=table.name,
        )
        for note in table.notes.select_related("question")
    ]
    return SourceBundle(texts=texts)


def conversation_texts(log: ConversationLog) -> SourceBundle:
    round_number = listening_round(log.held_on)
    texts = [
        SourceText(
            part=name,
            text=getattr(log, name),
            person_key=f"conversation:{log.public_id}",
            stakeholder_group=log.stakeholder_group,
            said_on=log.held_on,
            place=log.place,
            round_number=round_number,
            consent=log.consent,
        )
        for name in ConversationLog.TEXT_FIELDS
        if getattr(log, name).strip()
    ]
    return SourceBundle(
        texts=texts,
        withdrawn=log.consent_withdrawn_at is not None,
        cohorts=list(log.cohorts.all()),
    )


def employer_texts(engagement: EmployerEngagement) -> SourceBundle:
    texts = []
    if engagement.notes.strip():
        texts.append(
            SourceText(
                part="notes",
                text=engagement.notes,
                person_key=f"employer:{engagement.employer.slug}",
                stakeholder_group=StakeholderGroup.EMPLOYER,
                said_on=engagement.held_on,
                place=engagement.place or engagement.employer.place,
                round_number=listening_round(engagement.held_on),
            )
        )
    # Employers are organisations, not people: their own name is not personal data, but the
    # names of staff they mention are, and NER finds those.
    return SourceBundle(texts=texts)


def transcript_texts(transcript: Transcript) -> SourceBundle:
    source = transcript.attached_to
    if transcript.focus_group_id:
        group = transcript.focus_group
        said_on, place = group.starts_at.date(), group.place
        round_number = listening_round(said_on)
        default_group = {
            "residents": StakeholderGroup.RESIDENT,
            "employers": StakeholderGroup.EMPLOYER,
            "services": StakeholderGroup.OTHER_SERVICE,
        }[group.audience]
    elif transcript.roundtable_table_id:
        event = source.event
        said_on, place, round_number = event.held_on, event.place, event.round_number
        default_group = StakeholderGroup.OTHER_SERVICE
    else:
        said_on, place = source.held_on, source.place
        round_number = listening_round(said_on)
        default_group = source.stakeholder_group
    texts = []
    for turn in transcript.turns:
        speaker = turn.get("speaker") or ""
        info = transcript.speakers.get(speaker, {})
        texts.append(
            SourceText(
                part=f"turn:{turn['index']}",
                text=turn["text"],
                person_key=info.get("person_key") or f"transcript:{transcript.public_id}:{speaker}",
                stakeholder_group=info.get("stakeholder_group") or default_group,
                said_on=said_on,
                place=place,
                round_number=round_number,
                speaker=speaker,
                codable=info.get("role", "participant") != "facilitator",
                whole_turn=True,
                withdrawn=bool(info.get("withdrawn")),
            )
        )
    return SourceBundle(
        texts=texts,
        known_names=list(transcript.redaction_names),
        extra_redactions=list(transcript.redaction_additions),
        redaction_exceptions=list(transcript.redaction_exceptions),
        focus_group=transcript.focus_group if transcript.focus_group_id else None,
        cohorts=list(transcript.focus_group.cohorts.all()) if transcript.focus_group_id else [],
        source_removed=transcript.original_deleted_at is not None,
    )


SOURCES: dict[str, tuple[Callable[[str], object], Callable[[object], SourceBundle]]] = {
    Segment.SourceType.SURVEY: (
        lambda key: SurveyResponse.objects.select_related("consent", "place").get(public_id=key),
        survey_texts,
    ),
    Segment.SourceType.ROUNDTABLE: (
        lambda key: RoundtableTable.objects.select_related("event", "event__place").get(
            public_id=key
        ),
        roundtable_texts,
    ),
    Segment.SourceType.CONVERSATION: (
        lambda key: ConversationLog.objects.select_related("place", "consent").get(public_id=key),
        conversation_texts,
    ),
    Segment.SourceType.EMPLOYER: (
        lambda key: EmployerEngagement.objects.select_related("employer", "place").get(
            public_id=key
        ),
        employer_texts,
    ),
    Segment.SourceType.TRANSCRIPT: (
        lambda key: Transcript.objects.get(public_id=key),
        transcript_texts,
    ),
}


def source_key(instance) -> tuple[str, str]:
    """(source_type, source_id) of a capture record, as segments refer to it."""
    if isinstance(instance, SurveyResponse):
        return Segment.SourceType.SURVEY, str(instance.public_id)
    if isinstance(instance, RoundtableTable):
        return Segment.SourceType.ROUNDTABLE, str(instance.public_id)
    if isinstance(instance, ConversationLog):
        return Segment.SourceType.CONVERSATION, str(instance.public_id)
    if isinstance(instance, EmployerEngagement):
        return Segment.SourceType.EMPLOYER, str(instance.public_id)
    if isinstance(instance, Transcript):
        return Segment.SourceType.TRANSCRIPT, str(instance.public_id)
    raise TypeError(f"{type(instance).__name__} is not a capture record")
