"""Reading meeting and interview transcripts (.txt, .vtt, .srt, .docx) into speaker turns.

``parse_transcript`` decides the format from the content (the file name only breaks ties and
earns a warning when it disagrees), and either returns a whole ``Transcript`` or raises
``TranscriptError`` with a plain-English message: never a partial result.
"""

from __future__ import annotations

import codecs
import os
import re

from nlp.text.transcripts.cues import parse_cues
from nlp.text.transcripts.docx import docx_text
from nlp.text.transcripts.model import Cue, Transcript, TranscriptError, Turn, merge_cues
from nlp.text.transcripts.plaintext import looks_like_cue_text, parse_plain

__all__ = ["DEFAULT_MAX_BYTES", "Transcript", "TranscriptError", "Turn", "parse_transcript"]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

_MAGIC = {
    b"%PDF": "a PDF",
    b"\xd0\xcf\x11\xe0": "an old-style Word (.doc) or other Office file",
    b"{\\rtf": "a Rich Text (.rtf) file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"ID3": "an MP3 audio file",
    b"OggS": "an Ogg audio file",
    b"RIFF": "a WAV or other media file",
    b"\x1f\x8b": "a gzip archive",
}
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SRT_START = re.compile(r"\s*\d+[ \t]*\n[ \t]*\S*\d:\d\S*[ \t]*-->")


def parse_transcript(
    data: bytes, filename: str = "", *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Transcript:
    """Parse an uploaded transcript into turns.

    Consecutive cues from the same named speaker are merged into one turn keeping the first
    start and the last end. Raises TranscriptError for empty, oversized, unsupported, malformed
    or unsafe input.
    """
    if not data:
        raise TranscriptError("The file is empty")
    if len(data) > max_bytes:
        raise TranscriptError(
            f"The file is {_megabytes(len(data))}, over the {_megabytes(max_bytes)} limit "
            "for transcripts"
        )
    extension = os.path.splitext(filename)[1].lower().lstrip(".")
    warnings: list[str] = []
    if data.startswith(_ZIP):
        if extension not in ("docx", ""):
            warnings.append(f"The file is named .{extension} but is a Word document; read it so")
        kind, cues = "docx", _parse_text(docx_text(data), "docx", warnings)
    else:
        if extension == "docx":
            raise TranscriptError(
                "The .docx file is damaged or is not really a Word document (it is not a valid "
                "zip archive)"
            )
        text = decode(data)
        kind = detect_text_format(text)
        if extension in ("vtt", "srt", "txt") and extension != kind:
            warnings.append(f"The file is named .{extension} but reads as {kind}; read it so")
        cues = _parse_text(text, kind, warnings)
    turns = merge_cues(cues)
    if not turns:
        raise TranscriptError("The file has no transcript text in it (only headings or timings)")
    return Transcript(turns=turns, format=kind, warnings=warnings)


def decode(data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.
    Line endings become "\\n". Raises TranscriptError for binary or unsupported files."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise TranscriptError(
                f"The file looks like {what}, which is not a supported transcript format "
                "(use .txt, .vtt, .srt or .docx)"
            )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise TranscriptError("The file claims to be UTF-16 text but is not") from error
    elif data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Older Windows tools save transcripts as cp1252; the five bytes it leaves
            # undefined are replaced rather than failing the whole file.
            text = data.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text or len(_CONTROL.findall(text[:65536])) > max(8, len(text[:65536]) // 100):
        raise TranscriptError(
            "The file looks like binary data, not text: it is not a supported transcript "
            "format (use .txt, .vtt, .srt or .docx)"
        )
    if not text.strip():
        raise TranscriptError("The file is empty (it contains only blank space)")
    return text


def detect_text_format(text: str) -> str:
    """ "vtt", "srt" or "txt" from the content of a decoded text file."""
    stripped = text.lstrip("\ufeff \t\n")
    if re.match(r"WEBVTT(?:[ \t\n]|$)", stripped):
        return "vtt"
    if _SRT_START.match(stripped):
        return "srt"
    return "txt"


def _parse_text(text: str, kind: str, warnings: list[str]) -> list[Cue]:
    if kind in ("vtt", "srt"):
        return parse_cues(text.lstrip("\ufeff"), kind, warnings)
    if looks_like_cue_text(text):
        return parse_cues(text, "txt", warnings)
    return parse_plain(text, warnings)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
