"""Reading timestamps and cue timing lines ("00:01:02.500 --> 00:01:05.000")."""

from __future__ import annotations

import re

from nlp.text.transcripts.model import TranscriptError

# Hours are optional and may run past two digits; fields may be one digit because old Teams
# exports write "0:0:3.44". The fraction accepts "." (WebVTT) and "," (SRT) and any precision
# because some tools write seven-digit ticks.
_TIMESTAMP = re.compile(r"(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,9}))?")
ARROW = "-->"


def where(line: int | None, cue: str | None = None) -> str:
    """The "Line 14 (cue 7)" prefix used at the start of every located message."""
    if line is None:
        return f"Cue {cue}" if cue else "The file"
    return f"Line {line} (cue {cue})" if cue else f"Line {line}"


def parse_timestamp(text: str) -> float | None:
    """Seconds for a timestamp such as "01:02:03.500", "1:02", "00:05,120"; ``None`` if it is
    not one (including out-of-range minutes or seconds)."""
    match = _TIMESTAMP.fullmatch(text.strip())
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        return None
    value = float(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds))
    if fraction:
        value += int(fraction) / 10 ** len(fraction)
    return round(value, 3)


def is_timing_line(line: str) -> bool:
    """Whether a line is meant as a cue timing line (it has the arrow), valid or not."""
    return ARROW in line


def parse_timing_line(line: str, lineno: int, cue: str | None = None) -> tuple[float, float]:
    """The (start, end) of a "start --> end [settings]" line.

    Raises TranscriptError naming the line when either side is not a timestamp or the cue ends
    before it starts: a half-read timing would silently shift every later turn.
    """
    left, _, right = line.partition(ARROW)
    right_parts = right.split()
    start = parse_timestamp(left)
    end = parse_timestamp(right_parts[0]) if right_parts else None
    if start is None or end is None:
        raise TranscriptError(
            f"{where(lineno, cue)}: the cue timing '{line.strip()}' is not a valid timestamp "
            "(expected something like '00:01:02.000 --> 00:01:05.000')",
            line=lineno,
            cue=cue,
        )
    if end < start:
        raise TranscriptError(
            f"{where(lineno, cue)}: the cue ends ({right_parts[0]}) before it starts "
            f"({left.strip()})",
            line=lineno,
            cue=cue,
        )
    return start, end
