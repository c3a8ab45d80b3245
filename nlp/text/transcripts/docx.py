"""The paragraphs of a .docx transcript, read defensively.

An uploaded .docx is an untrusted zip of XML, so this reads it with the standard library under
hard limits rather than with python-docx: member count and total uncompressed size are capped
before anything is inflated (zip bombs), only word/document.xml is inflated (and read no further
than the cap, whatever its header claims), and XML carrying a DTD or entity declarations is
refused (entity expansion, external entities) by defusedxml's parser, in whatever encoding the
XML declares.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from xml.etree import ElementTree

import defusedxml
from defusedxml import ElementTree as SafeElementTree

from nlp.text.transcripts.model import TranscriptError

MAX_MEMBERS = 2_000
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 200  # typical Word XML inflates 5-20x; hundreds-fold means a crafted archive
_DOCUMENT = "word/document.xml"
# What the zip module raises for damaged archives (the fuzzer in tests/benchmarks/fuzz_parsers.py
# found zlib.error for a broken deflate stream, ValueError for a negative seek from a corrupt
# offset, NotImplementedError for a nonsense version or compression method).
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    UnicodeDecodeError,
)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(data: bytes) -> str:
    """The document's paragraphs as lines of text (a line break inside a paragraph starts a
    new line; a tab becomes a tab). Raises TranscriptError for anything unsafe or broken."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGED as error:
        raise TranscriptError(
            "The .docx file is damaged or is not really a Word document (it is not a valid zip "
            "archive)"
        ) from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise TranscriptError(
                f"The .docx file has {len(members)} parts, more than the {MAX_MEMBERS} allowed"
            )
        total = sum(member.file_size for member in members)
        if total > MAX_UNCOMPRESSED:
            raise TranscriptError(
                "The .docx file would unpack to more than "
                f"{MAX_UNCOMPRESSED // (1024 * 1024)} MB, so it was not opened"
            )
        try:
            info = archive.getinfo(_DOCUMENT)
        except KeyError as error:
            raise TranscriptError(
                "The .docx file has no word/document.xml, so it is not a Word document"
            ) from error
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise TranscriptError(
                "The .docx file is compressed suspiciously tightly (a possible zip bomb), "
                "so it was not opened"
            )
        xml = _read_capped(archive, info)
    return _paragraphs(xml)


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # The size in the zip header can lie, so stop reading at the cap whatever it says.
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(1 << 16):
                size += len(chunk)
                if size > MAX_UNCOMPRESSED:
                    raise TranscriptError("The .docx file's text part is too large to open safely")
                chunks.append(chunk)
    except _DAMAGED as error:
        raise TranscriptError(
            "The .docx file is damaged: its text part could not be unpacked"
        ) from error
    return b"".join(chunks)


def _paragraphs(xml: bytes) -> str:
    try:
        root = SafeElementTree.fromstring(
            xml, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as error:
        raise TranscriptError(
            "The .docx file contains XML declarations that are not allowed (DTD or entities)"
        ) from error
    except (ElementTree.ParseError, ValueError, LookupError) as error:
        # ValueError/LookupError: an encoding the XML declares that Python cannot decode.
        raise TranscriptError(
            "The .docx file is damaged: its text is not well-formed XML"
        ) from error
    lines: list[str] = []
    for paragraph in root.iter(f"{_W}p"):
        parts: list[str] = []
        _collect(paragraph, parts)
        lines.append("".join(parts))
    return "\n".join(lines)


def _collect(paragraph: ElementTree.Element, parts: list[str]) -> None:
    """Text of a paragraph, not descending into paragraphs nested in it (text boxes), which
    ``root.iter`` visits on their own. Iterative, so hostile nesting depth cannot overflow."""
    stack = list(reversed(paragraph))
    while stack:
        child = stack.pop()
        if child.tag == f"{_W}t" and child.text:
            parts.append(child.text)
        elif child.tag == f"{_W}tab":
            parts.append("\t")
        elif child.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif child.tag != f"{_W}p":
            stack.extend(reversed(child))
