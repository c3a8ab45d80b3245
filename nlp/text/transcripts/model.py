"""The value types a parsed transcript is made of, and the one error parsing raises."""

from __future__ import annotations

from dataclasses import dataclass, field


class TranscriptError(ValueError):
    """A transcript could not be read. ``message`` is plain English, fit to show to the uploader.

    ``line`` is the 1-based line (or .docx paragraph) where the problem is, when there is one;
    ``cue`` is the cue identifier or number when the problem is inside a numbered or named cue.
    """

    def __init__(self, message: str, line: int | None = None, cue: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.cue = cue


@dataclass(frozen=True)
class Turn:
    """One stretch of speech by one speaker (``None`` when the file does not say who spoke).

    ``start`` and ``end`` are seconds from the start of the recording, or ``None`` when the
    format gives no timings.
    """

    index: int
    speaker: str | None
    start: float | None
    end: float | None
    text: str


@dataclass
class Transcript:
    """A parsed transcript: its turns in order, the format it was read as, and anything odd
    found along the way that did not stop parsing (skipped blocks, guessed formats)."""

    turns: list[Turn]
    format: str
    warnings: list[str] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """Distinct speaker names in order of first appearance."""
        seen: dict[str, None] = {}
        for turn in self.turns:
            if turn.speaker is not None:
                seen.setdefault(turn.speaker, None)
        return list(seen)


@dataclass
class Cue:
    """A piece of text as read from the file, before consecutive cues are merged into turns.

    ``line`` is where the piece began, for messages.
    """

    speaker: str | None
    start: float | None
    end: float | None
    text: str
    line: int


def merge_cues(cues: list[Cue]) -> list[Turn]:
    """Join consecutive cues by the same named speaker into single turns.

    Cues with no speaker are not joined: in a subtitle file without names, consecutive cues may
    well be different people, and segmentation copes with fragments anyway.
    """
    turns: list[Turn] = []
    pending: Cue | None = None
    for cue in cues:
        text = " ".join(cue.text.split())
        if not text:
            continue
        if pending is not None and pending.speaker is not None and pending.speaker == cue.speaker:
            pending.text = f"{pending.text} {text}"
            if cue.end is not None:
                pending.end = cue.end
            if pending.start is None:
                pending.start = cue.start
            continue
        if pending is not None:
            turns.append(_to_turn(pending, len(turns)))
        pending = Cue(cue.speaker, cue.start, cue.end, text, cue.line)
    if pending is not None:
        turns.append(_to_turn(pending, len(turns)))
    return turns


def _to_turn(cue: Cue, index: int) -> Turn:
    return Turn(index=index, speaker=cue.speaker, start=cue.start, end=cue.end, text=cue.text)
