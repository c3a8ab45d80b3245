"""Plain-text transcripts (and the text of .docx transcripts), line by line.

Understood line shapes, in the order they are tried:

* ``Jane Smith  0:03`` or ``[Jane Smith] 10:31:12`` alone on a line (Teams and Zoom copy-outs):
  a speaker heading, with what they said on the following lines;
* ``[00:01:02] Jane: text``, ``00:01:02 Jane: text``, ``[00:01:02] text``;
* ``Jane Smith (00:01:02): text`` or ``Jane Smith [00:01:02]`` (text on the next line);
* ``Jane Smith: text`` (accepted per file, see ``labels.choose_speaker_labels``);
* anything else: a paragraph with no known speaker, running until a blank line.

Files with "start --> end" timing lines are cue files and go to ``cues.parse_cues`` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.text.transcripts.labels import (
    apply_speaker_labels,
    is_name_like,
    is_strong_name,
    split_prefix,
)
from nlp.text.transcripts.model import Cue, TranscriptError
from nlp.text.transcripts.timing import parse_timestamp

_TS = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,9})?"
_HEADING = re.compile(rf"^(?P<name>.+?)(?:\s{{2,}}|\t|\s+[-–|]\s+)(?P<ts>{_TS})$")
_TIGHT_HEADING = re.compile(rf"^(?P<name>.+?) (?P<ts>{_TS})$")
_ZOOM_HEADING = re.compile(rf"^\[(?P<name>[^\]]+)\]\s+(?P<ts>{_TS})$")
_STAMP_FIRST = re.compile(
    rf"^[\[(]?(?P<ts>{_TS})[\])]?\s*(?:[-–|]\s*)?(?:(?P<name>[^:\[\]()]{{1,60}}?)\s*:\s+)?"
    r"(?P<text>.*)$"
)
_NAME_FIRST = re.compile(
    rf"^(?P<name>[^:\[\]()]{{1,60}}?)\s*[(\[](?P<ts>{_TS})[)\]]\s*:?\s*(?P<text>.*)$"
)
_BROKEN_STAMP = re.compile(r"^[\[(](?P<ts>\d[\d:.,]*[:][^\])\s]*)[\])]")
_TIMING_SHAPE = re.compile(r"^\s*\S*\d:\d\S*\s*-->")
_NOISE = re.compile(r"(?:started|stopped) transcription\.?$", re.IGNORECASE)


def looks_like_cue_text(text: str) -> bool:
    """Whether a plain-text file is really a cue export ("00:00:05.123 --> 00:00:07.456")."""
    return any(_TIMING_SHAPE.match(line) for line in text.split("\n"))


@dataclass
class _Open:
    cue: Cue
    heading: bool  # a heading's speech may run over blank lines until the next speaker


def parse_plain(text: str, warnings: list[str]) -> list[Cue]:
    """Cues (one per heading, labelled line or paragraph) from plain transcript text."""
    cues: list[Cue] = []
    candidates: list[tuple[Cue, str, str]] = []
    current: _Open | None = None
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = " ".join(raw.split())
        if not line:
            if current is not None and not current.heading:
                current = None
            continue
        if _NOISE.search(line):
            continue
        started = _start_of_turn(line, lineno)
        if started is not None:
            cue, heading = started
            cues.append(cue)
            current = _Open(cue, heading)
            continue
        prefixed = split_prefix(line)
        if prefixed is not None:
            cue = Cue(None, None, None, line, lineno)
            cues.append(cue)
            candidates.append((cue, *prefixed))
            current = _Open(cue, False)
        elif current is not None:
            current.cue.text = f"{current.cue.text}\n{line}".strip()
        else:
            cue = Cue(None, None, None, line, lineno)
            cues.append(cue)
            current = _Open(cue, False)
    apply_speaker_labels(candidates, len(cues))
    if any(cue.speaker is None for cue in cues) and any(cue.speaker for cue in cues):
        warnings.append("Some paragraphs have no speaker name and were kept without one")
    return cues


def _start_of_turn(line: str, lineno: int) -> tuple[Cue, bool] | None:
    """A new cue when the line opens a turn with a timestamp or a speaker heading.

    The bool says whether it is a heading whose speech follows on the next lines.
    """
    for pattern in (_ZOOM_HEADING, _HEADING, _TIGHT_HEADING):
        match = pattern.match(line)
        if match is None:
            continue
        name = match.group("name").strip()
        # "Jane arrived at 10:30" is speech: a single space before the time needs a name in
        # title case.
        if is_name_like(name) and (pattern is not _TIGHT_HEADING or is_strong_name(name)):
            start = _stamp(match.group("ts"), lineno)
            return Cue(name, start, None, "", lineno), True
    match = _STAMP_FIRST.match(line)
    if match is not None:
        name = (match.group("name") or "").strip() or None
        text = match.group("text")
        if name is not None and not is_name_like(name):
            name, text = None, line[match.start("name") :]
        # A bare leading "10:30 is when the bus comes" is speech: an unbracketed time counts
        # only with seconds or a speaker label after it.
        if line[0] in "[(" or match.group("ts").count(":") == 2 or name is not None:
            start = _stamp(match.group("ts"), lineno)
            return Cue(name, start, None, text.strip(), lineno), not text.strip()
    match = _NAME_FIRST.match(line)
    if match is not None and is_name_like(match.group("name").strip()):
        start = _stamp(match.group("ts"), lineno)
        text = match.group("text").strip()
        return Cue(match.group("name").strip(), start, None, text, lineno), not text
    broken = _BROKEN_STAMP.match(line)
    if broken:
        _stamp(broken.group("ts"), lineno)
    return None


def _stamp(text: str, lineno: int) -> float:
    value = parse_timestamp(text)
    if value is None:
        raise TranscriptError(
            f"Line {lineno}: the timestamp '{text}' is not a valid time "
            "(expected something like 00:01:02 or 1:02)",
            line=lineno,
        )
    return value
