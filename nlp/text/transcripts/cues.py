"""Cue-based transcripts: WebVTT, SRT, and plain-text exports that use "start --> end" lines.

All three are blocks of "[identifier] / timing / text lines" separated by blank lines; they
differ in the header, the comment blocks and how speakers are marked, which ``parse_cues``
takes as its ``kind``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from nlp.text.transcripts.labels import (
    apply_speaker_labels,
    has_voice_tag,
    is_name_like,
    is_strong_name,
    split_prefix,
    split_voices,
    strip_markup,
)
from nlp.text.transcripts.model import Cue, TranscriptError
from nlp.text.transcripts.timing import ARROW, parse_timing_line, where

_VTT_SKIPPED_BLOCK = re.compile(r"^(?:NOTE|STYLE|REGION)(?:[ \t]|$)")
_SRT_NUMBER = re.compile(r"\d+")


@dataclass
class _RawCue:
    ident: str | None
    timing: str
    timing_line: int
    text_lines: list[str]


@dataclass
class _Orphan:
    lines: list[str]
    line: int


def parse_cues(text: str, kind: str, warnings: list[str]) -> list[Cue]:
    """Cues from a cue-based file. ``kind`` is "vtt", "srt" or "txt" (a plain-text export with
    arrow timings, where a speaker may also be written alone on the line after the timing)."""
    lines = text.split("\n")
    first_text_line = 0
    if kind == "vtt":
        first_text_line = _skip_vtt_header(lines)
    cues: list[Cue] = []
    candidates: list[tuple[Cue, str, str]] = []
    for item in _items(lines, first_text_line, kind):
        if isinstance(item, _Orphan):
            _attach_orphan(item, cues, warnings)
            continue
        start, end = parse_timing_line(item.timing, item.timing_line, item.ident)
        raw = "\n".join(item.text_lines)
        for cue in _cue_pieces(raw, start, end, item.timing_line, kind):
            cues.append(cue)
            prefixed = split_prefix(cue.text) if cue.speaker is None else None
            if prefixed:
                candidates.append((cue, *prefixed))
    apply_speaker_labels(candidates, len(cues))
    return cues


def _skip_vtt_header(lines: list[str]) -> int:
    """Index of the first line after the WEBVTT header block (header text is metadata)."""
    index = 1
    while index < len(lines) and lines[index].strip() and ARROW not in lines[index]:
        index += 1
    return index


def _blocks(lines: list[str], begin: int) -> Iterator[tuple[int, list[str]]]:
    """(0-based index of first line, lines) for each run of non-blank lines."""
    block: list[str] = []
    first = begin
    for index in range(begin, len(lines)):
        if lines[index].strip():
            if not block:
                first = index
            block.append(lines[index].rstrip())
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def _items(lines: list[str], begin: int, kind: str) -> Iterator[_RawCue | _Orphan]:
    for first, block in _blocks(lines, begin):
        if kind == "vtt" and _VTT_SKIPPED_BLOCK.match(block[0]):
            continue
        yield from _split_block(block, first, kind)


def _split_block(block: list[str], first: int, kind: str) -> Iterator[_RawCue | _Orphan]:
    """Cues in one block. Usually one, but files with missing blank lines pack several."""
    arrows = [k for k, line in enumerate(block) if ARROW in line]
    if not arrows:
        if kind == "srt" and _SRT_NUMBER.fullmatch(block[0].strip()) and len(block) > 1:
            lineno = first + 2
            raise TranscriptError(
                f"{where(lineno, block[0].strip())}: expected a timing line like "
                f"'00:00:01,000 --> 00:00:04,000' after the cue number, found "
                f"'{block[1].strip()[:60]}'",
                line=lineno,
                cue=block[0].strip(),
            )
        yield _Orphan(block, first + 1)
        return
    position = 0
    for number, arrow in enumerate(arrows):
        ident_at = arrow - 1 if arrow - 1 >= position else None
        if ident_at is not None and ident_at > position:
            yield _Orphan(block[position:ident_at], first + position + 1)
        following = arrows[number + 1] if number + 1 < len(arrows) else len(block)
        text_end = following
        # With no blank line between cues, a number just before the next timing is that cue's
        # identifier, not this cue's text.
        if following < len(block) and _SRT_NUMBER.fullmatch(block[following - 1].strip()):
            text_end = following - 1
        ident = block[ident_at].strip() if ident_at is not None else None
        yield _RawCue(ident, block[arrow], first + arrow + 1, block[arrow + 1 : text_end])
        position = max(text_end, arrow + 1)


def _cue_pieces(raw: str, start: float, end: float, line: int, kind: str) -> list[Cue]:
    if has_voice_tag(raw):
        return [Cue(who, start, end, said, line) for who, said in split_voices(raw)]
    text = strip_markup(raw)
    if kind == "txt":
        own_line = _speaker_on_own_line(text)
        if own_line:
            return [Cue(own_line[0], start, end, own_line[1], line)]
    return [Cue(None, start, end, text, line)] if text.strip() else []


def _speaker_on_own_line(text: str) -> tuple[str, str] | None:
    """Old Teams exports put the speaker's name alone on the line after the timing."""
    first, _, rest = text.strip().partition("\n")
    first = first.strip()
    looks_like_name = is_name_like(first) and is_strong_name(first) and len(first.split()) <= 4
    if rest.strip() and ":" not in first and not first.endswith(".") and looks_like_name:
        return first, rest
    return None


def _attach_orphan(orphan: _Orphan, cues: list[Cue], warnings: list[str]) -> None:
    text = strip_markup("\n".join(orphan.lines)).strip()
    if not text:
        return
    if cues:
        cues[-1].text = f"{cues[-1].text}\n{text}"
        warnings.append(
            f"Line {orphan.line}: text with no timing line was added to the cue before it"
        )
    else:
        warnings.append(f"Line {orphan.line}: text before the first cue was skipped")
