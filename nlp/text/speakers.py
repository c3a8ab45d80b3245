"""Stable pseudonyms and roles for the speakers in a transcript.

Real names must not reach coders or reports, so every speaker gets "Participant N" or
"Facilitator N", numbered separately per role in order of first appearance. Facilitators'
turns stay in the transcript for context but are flagged ``coded=False``: their questions are
not lived-experience evidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from nlp.text.transcripts.model import Transcript

Role = Literal["facilitator", "participant"]


@dataclass(frozen=True)
class SpeakerInfo:
    """What a speaker is called in outputs, and whether their turns are coded."""

    name: str
    pseudonym: str
    role: Role
    coded: bool
    first_turn: int
    turns: int
    questions: int


@dataclass(frozen=True)
class LabelledTurn:
    """A turn with its speaker replaced by pseudonym and role, ready for redaction/coding."""

    index: int
    pseudonym: str | None
    role: Role | None
    coded: bool
    start: float | None
    end: float | None
    text: str


def assign_pseudonyms(
    transcript: Transcript,
    facilitators: Iterable[str] = (),
    *,
    detect_facilitator: bool = True,
) -> dict[str, SpeakerInfo]:
    """Map each distinct speaker name to a SpeakerInfo.

    Names in ``facilitators`` match case- and spacing-insensitively. When none of them is found
    and ``detect_facilitator`` is on, the speaker who asked the most questions (ties going to
    whoever spoke first) is taken as the facilitator, provided there are two or more speakers
    and they asked at least one question.
    """
    order: list[str] = []
    turn_counts: Counter[str] = Counter()
    question_counts: Counter[str] = Counter()
    first_turn: dict[str, int] = {}
    for turn in transcript.turns:
        if turn.speaker is None:
            continue
        if turn.speaker not in first_turn:
            first_turn[turn.speaker] = turn.index
            order.append(turn.speaker)
        turn_counts[turn.speaker] += 1
        question_counts[turn.speaker] += turn.text.count("?")
    wanted = {_key(name) for name in facilitators}
    chosen = {name for name in order if _key(name) in wanted}
    if not chosen and detect_facilitator:
        chosen = _likely_facilitator(order, question_counts)
    numbers: Counter[str] = Counter()
    infos: dict[str, SpeakerInfo] = {}
    for name in order:
        role: Role = "facilitator" if name in chosen else "participant"
        numbers[role] += 1
        infos[name] = SpeakerInfo(
            name=name,
            pseudonym=f"{role.capitalize()} {numbers[role]}",
            role=role,
            coded=role == "participant",
            first_turn=first_turn[name],
            turns=turn_counts[name],
            questions=question_counts[name],
        )
    return infos


def label_turns(transcript: Transcript, speakers: dict[str, SpeakerInfo]) -> list[LabelledTurn]:
    """The transcript's turns with pseudonyms in place of names. Turns with no known speaker
    are coded (they are most likely participants' words in an unlabelled write-up)."""
    labelled = []
    for turn in transcript.turns:
        info = speakers.get(turn.speaker) if turn.speaker is not None else None
        labelled.append(
            LabelledTurn(
                index=turn.index,
                pseudonym=info.pseudonym if info else None,
                role=info.role if info else None,
                coded=info.coded if info else True,
                start=turn.start,
                end=turn.end,
                text=turn.text,
            )
        )
    return labelled


def _likely_facilitator(order: list[str], questions: Counter[str]) -> set[str]:
    if len(order) < 2:
        return set()
    most = max(questions[name] for name in order)
    if most == 0:
        return set()
    # order is first-appearance order, so the first with the top count spoke earliest.
    return {next(name for name in order if questions[name] == most)}


def _key(name: str) -> str:
    return " ".join(name.casefold().split())
