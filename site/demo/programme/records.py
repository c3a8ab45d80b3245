"""What the demo programme's plan is made of: plain records of who said what, where and when.

Each text is a list of `Said` pieces: a sentence and the codebook themes it speaks to. Those
themes are the *demo reviewers'* judgement (an input, like a person's code); the product never
sees them except through the codes those reviewers give."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Said:
    text: str
    themes: tuple[str, ...] = ()


def joined(parts: Sequence[Said]) -> str:
    return " ".join(part.text for part in parts)


@dataclass
class SurveyResponsePlan:
    survey: str  # key in programme.yaml's surveys
    day: date
    round_number: int
    place: str
    answers: list[list[Said]]  # per analysed question, in order ([] = left empty)
    paid_work: str = ""
    email: str = ""
    demographics: dict = field(default_factory=dict)
    key: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class ConversationPlan:
    associate: str
    day: date
    place: str
    stakeholder_group: str
    cohorts: list[str]
    conditions: list[str]
    onset: str
    fields: dict[str, list[Said]]
    follow_up: bool = False


@dataclass
class EmployerPlan:
    employer: str
    day: date
    place: str
    mhfa_offered: int
    mhfa_booked: int
    commitments: list[str]
    notes: list[Said]


@dataclass
class NotePlan:
    question: int  # 0-based
    said: Said
    horizon: str
    help_level: str
    group: str


@dataclass
class TablePlan:
    name: str
    participants: dict[str, int]
    notes: list[NotePlan]


@dataclass
class RoundtableEventPlan:
    round_number: int
    day: date
    place: str
    venue: str
    tables: list[TablePlan]


@dataclass
class RegistrationPlan:
    name: str
    email: str
    signed_up: datetime
    places: int = 1
    organisation_name: str = ""
    access_needs: str = ""
    consent_record: bool = True
    attended: bool = True


@dataclass
class FocusGroupPlan:
    host: str
    audience: str
    title: str
    description: str
    topics: list[str]
    place: str
    town: str
    starts_at: datetime
    minutes: int
    capacity: int
    round_number: int | None  # None: upcoming
    registrations: list[RegistrationPlan]
    cohorts: list[str] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)  # {category, amount, description, state}
    cancelled_reason: str = ""
    mode: str = "in-person"


@dataclass
class TurnPlan:
    speaker: str  # a made-up name (redacted before analysis)
    facilitator: bool
    parts: list[Said]


@dataclass
class TranscriptPlan:
    title: str
    format: str
    attach: str  # focus-group | roundtable | conversation
    round_number: int | None
    place: str
    audience: str
    table: str
    facilitators: list[str]
    turns: list[TurnPlan]


@dataclass
class ProgrammePlan:
    rounds: list[dict]
    focus_groups: list[FocusGroupPlan]
    surveys: list[SurveyResponsePlan]
    conversations: list[ConversationPlan]
    employers: list[EmployerPlan]
    roundtable: list[RoundtableEventPlan]
    transcripts: list[TranscriptPlan]

    def said(self) -> list[Said]:
        """Every piece of text in the plan, for matching segments back to it."""
        pieces: list[Said] = []
        for response in self.surveys:
            for answer in response.answers:
                pieces.extend(answer)
        for log in self.conversations:
            for parts in log.fields.values():
                pieces.extend(parts)
        for engagement in self.employers:
            pieces.extend(engagement.notes)
        for event in self.roundtable:
            for table in event.tables:
                pieces.extend(note.said for note in table.notes)
        for transcript in self.transcripts:
            for turn in transcript.turns:
                if not turn.facilitator:
                    pieces.extend(turn.parts)
        return pieces
