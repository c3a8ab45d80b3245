"""Real-world-shaped transcript fixtures for the text tests (all people are made up)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pytest

TEAMS_VTT = """WEBVTT

NOTE This meeting was recorded in Microsoft Teams.

b5d3f0a1-8c1e-4c52-9a57-2f1e0c6d8b11/12-0
00:00:03.120 --> 00:00:07.480
<v Priya Shah>Thanks everyone for coming. Can you tell me a bit about getting to work?</v>

b5d3f0a1-8c1e-4c52-9a57-2f1e0c6d8b11/13-0
00:00:08.000 --> 00:00:15.250
<v Gary Evans>Yeah, so the bus from Kirkby is the main problem.</v>

b5d3f0a1-8c1e-4c52-9a57-2f1e0c6d8b11/13-1
00:00:15.250 --> 00:00:21.900
<v Gary Evans>It never turns up when it says &amp; I've been late twice.</v>

b5d3f0a1-8c1e-4c52-9a57-2f1e0c6d8b11/14-0
00:00:22.400 --> 00:00:26.010
<v Priya Shah>That sounds really frustrating. What happened then?</v>

b5d3f0a1-8c1e-4c52-9a57-2f1e0c6d8b11/15-0
00:00:26.500 --> 00:00:34.000 align:start position:10%
<v Maureen O'Neill>My manager was fine, but <i>some</i> aren't, are they?</v>
"""

ZOOM_VTT = """WEBVTT

1
00:00:01.040 --> 00:00:04.720
Priya Shah: Welcome to the session, is everyone OK to be recorded?

2
00:00:05.100 --> 00:00:06.300
Gary Evans: Yes, that's fine.

3
00:00:06.800 --> 00:00:12.050
Maureen O'Neill: Fine by me. I'm from Widnes.

4
00:00:12.050 --> 00:00:16.000
Maureen O'Neill: I've lived there forty years.
"""

SRT = """1
00:00:01,000 --> 00:00:04,200
Priya Shah: How do you find the housing situation?

2
00:00:04,500 --> 00:00:09,000
Gary Evans: Damp. The flat is damp and the
landlord won't do anything.

3
00:00:09,000 --> 00:00:11,500
Gary Evans: I've asked three times.

4
00:00:12,000 --> 00:00:14,000
<i>[laughter]</i>
"""

TEAMS_TXT = """Community transport focus group
Transcript

Priya Shah started transcription

Priya Shah   0:03
Thanks for coming. What's the biggest issue for you?

Gary Evans   0:12
The buses. Honestly it's the buses.
They cut the 14 last year.

Maureen O'Neill   1:05
For me it's the cost of everything.

Priya Shah stopped transcription
"""


def _docx(paragraphs: list[str]) -> bytes:
    body = "".join(
        "<w:p>"
        + "".join(
            f'<w:r><w:t xml:space="preserve">{escape(part)}</w:t></w:r>'
            if part != "\t"
            else "<w:r><w:tab/></w:r>"
            for part in _runs(text)
        )
        + "</w:p>"
        for text in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def _runs(text: str) -> list[str]:
    parts: list[str] = []
    for index, piece in enumerate(text.split("\t")):
        if index:
            parts.append("\t")
        if piece:
            parts.append(piece)
    return parts


@pytest.fixture
def make_docx():
    """Build a minimal .docx (zip of word/document.xml) from paragraph strings; a tab in a
    paragraph becomes a <w:tab/> run, as Teams writes between speaker and time."""
    return _docx


@pytest.fixture
def teams_docx() -> bytes:
    return _docx(
        [
            "Community transport focus group",
            "12 March 2025, 10:02AM",
            "",
            "Priya Shah\t0:03",
            "Thanks for coming. What's the biggest issue for you?",
            "Gary Evans\t0:12",
            "The buses. Honestly it's the buses.",
            "Gary Evans\t0:40",
            "They cut the 14 last year.",
            "Maureen O'Neill\t1:05",
            "For me it's the cost of everything.",
        ]
    )
