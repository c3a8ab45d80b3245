"""Parsing real-world-shaped transcripts in each supported format."""

from __future__ import annotations

import pytest

from nlp.text.transcripts import parse_transcript

from .conftest import SRT, TEAMS_TXT, TEAMS_VTT, ZOOM_VTT


def test_teams_vtt_voice_tags_merge_and_strip_markup():
    transcript = parse_transcript(TEAMS_VTT.encode(), "meeting.vtt")
    assert transcript.format == "vtt"
    assert [t.speaker for t in transcript.turns] == [
        "Priya Shah",
        "Gary Evans",
        "Priya Shah",
        "Maureen O'Neill",
    ]
    gary = transcript.turns[1]
    assert gary.start == pytest.approx(8.0)
    assert gary.end == pytest.approx(21.9)
    assert gary.text == (
        "Yeah, so the bus from Kirkby is the main problem. "
        "It never turns up when it says & I've been late twice."
    )
    assert transcript.turns[3].text == "My manager was fine, but some aren't, are they?"
    assert [t.index for t in transcript.turns] == [0, 1, 2, 3]


def test_zoom_vtt_speaker_prefixes():
    transcript = parse_transcript(ZOOM_VTT.encode(), "zoom.vtt")
    assert [t.speaker for t in transcript.turns] == ["Priya Shah", "Gary Evans", "Maureen O'Neill"]
    assert transcript.turns[2].text == "Fine by me. I'm from Widnes. I've lived there forty years."
    assert transcript.turns[2].start == pytest.approx(6.8)
    assert transcript.turns[2].end == pytest.approx(16.0)


def test_srt_with_optional_speakers_and_multiline_cues():
    transcript = parse_transcript(SRT.encode(), "focus.srt")
    assert transcript.format == "srt"
    speakers = [t.speaker for t in transcript.turns]
    assert speakers == ["Priya Shah", "Gary Evans", None]
    assert transcript.turns[1].text == (
        "Damp. The flat is damp and the landlord won't do anything. I've asked three times."
    )
    assert transcript.turns[1].end == pytest.approx(11.5)
    assert transcript.turns[2].text == "[laughter]"


def test_teams_txt_headings_with_text_below():
    transcript = parse_transcript(TEAMS_TXT.encode(), "transcript.txt")
    labelled = [t for t in transcript.turns if t.speaker]
    assert [(t.speaker, t.start) for t in labelled] == [
        ("Priya Shah", 3.0),
        ("Gary Evans", 12.0),
        ("Maureen O'Neill", 65.0),
    ]
    assert labelled[1].text == "The buses. Honestly it's the buses. They cut the 14 last year."
    # The title lines are kept as an unlabelled turn; "started transcription" is dropped.
    assert transcript.turns[0].speaker is None
    assert "transcription" not in " ".join(t.text for t in transcript.turns)


def test_teams_docx(teams_docx):
    transcript = parse_transcript(teams_docx, "Focus group.docx")
    assert transcript.format == "docx"
    labelled = [t for t in transcript.turns if t.speaker]
    assert [t.speaker for t in labelled] == ["Priya Shah", "Gary Evans", "Maureen O'Neill"]
    assert labelled[1].text == "The buses. Honestly it's the buses. They cut the 14 last year."
    assert labelled[1].start == 12.0


def test_docx_with_arrow_timings_and_name_lines(make_docx):
    paragraphs = ["0:0:0.0 --> 0:0:3.440", "Priya Shah", "Hello all.", ""]
    paragraphs += ["0:0:3.440 --> 0:0:9.0", "Gary Evans", "Hiya."]
    data = make_docx(paragraphs)
    transcript = parse_transcript(data, "old-teams.docx")
    assert [(t.speaker, t.start, t.end, t.text) for t in transcript.turns] == [
        ("Priya Shah", 0.0, 3.44, "Hello all."),
        ("Gary Evans", 3.44, 9.0, "Hiya."),
    ]


@pytest.mark.parametrize(
    ("line", "speaker", "start", "text"),
    [
        ("[00:01:02] Jane Smith: We waited an hour.", "Jane Smith", 62.0, "We waited an hour."),
        ("Jane Smith (00:01:02): We waited an hour.", "Jane Smith", 62.0, "We waited an hour."),
        ("00:01:02 Jane Smith: We waited an hour.", "Jane Smith", 62.0, "We waited an hour."),
        ("[00:01:02] We waited an hour.", None, 62.0, "We waited an hour."),
        ("Jane Smith: We waited an hour.", "Jane Smith", None, "We waited an hour."),
    ],
)
def test_txt_line_shapes(line, speaker, start, text):
    transcript = parse_transcript(line.encode(), "notes.txt")
    [turn] = transcript.turns
    assert (turn.speaker, turn.start, turn.text) == (speaker, start, text)


def test_txt_arrow_export_is_read_as_cues():
    data = (
        b"00:00:05.123 --> 00:00:07.456\nJane Smith: Hello.\n\n"
        b"00:00:08.000 --> 00:00:09.000\nBob Jones: Hi.\n"
    )
    transcript = parse_transcript(data, "zoom.txt")
    assert transcript.format == "txt"
    assert [(t.speaker, t.start, t.end) for t in transcript.turns] == [
        ("Jane Smith", 5.123, 7.456),
        ("Bob Jones", 8.0, 9.0),
    ]


def test_unlabelled_paragraphs_and_colon_prose():
    text = "We met at the hub.\nIt was busy.\n\nNote: the cafe was shut.\n\n10:30 is when it opens."
    transcript = parse_transcript(text.encode(), "notes.txt")
    assert [t.speaker for t in transcript.turns] == [None, None, None]
    assert [t.text for t in transcript.turns] == [
        "We met at the hub. It was busy.",
        "Note: the cafe was shut.",
        "10:30 is when it opens.",
    ]


def test_encodings_and_line_endings():
    text = "Jane Smith: It cost £5 – too much.\r\nBob Jones: Aye.\r\n"
    for data in (
        text.encode("utf-8-sig"),
        text.encode("cp1252"),
        text.encode("utf-16"),
        text.replace("\r\n", "\r").encode(),
    ):
        transcript = parse_transcript(data, "x.txt")
        assert transcript.turns[0].text == "It cost £5 – too much."
        assert transcript.turns[1].speaker == "Bob Jones"


def test_format_comes_from_content_not_name():
    transcript = parse_transcript(ZOOM_VTT.encode(), "transcript.txt")
    assert transcript.format == "vtt"
    assert any("named .txt" in warning for warning in transcript.warnings)


def test_vtt_without_blank_lines_between_cues():
    data = (
        b"WEBVTT\n00:00:01.000 --> 00:00:02.000\n<v A B>one\n"
        b"00:00:02.000 --> 00:00:03.000\n<v C D>two\n"
    )
    transcript = parse_transcript(data, "x.vtt")
    assert [(t.speaker, t.text) for t in transcript.turns] == [("A B", "one"), ("C D", "two")]


def test_vtt_style_region_and_header_metadata_are_skipped():
    data = (
        b"WEBVTT - exported\nKind: captions\n\nSTYLE\n::cue { color: red }\n\n"
        b"REGION\nid:fred\n\nNOTE\nmulti\nline\n\n"
        b"00:01.000 --> 00:02.000 line:0\nHello <c.yellow>there</c>\n"
    )
    transcript = parse_transcript(data, "x.vtt")
    assert [(t.start, t.text) for t in transcript.turns] == [(1.0, "Hello there")]


def test_q_and_a_interview_notes():
    transcript = parse_transcript(b"Q: How was it?\nA: Awful.\nQ: Why?\nA: The bus.\n", "qa.txt")
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("Q", "How was it?"),
        ("A", "Awful."),
        ("Q", "Why?"),
        ("A", "The bus."),
    ]


def test_rev_style_and_zoom_bracket_headings():
    rev = parse_transcript(b"Speaker 1 (00:00):\nHello there.\n\nSpeaker 2 (00:05):\nHi.\n")
    assert [(t.speaker, t.start, t.text) for t in rev.turns] == [
        ("Speaker 1", 0.0, "Hello there."),
        ("Speaker 2", 5.0, "Hi."),
    ]
    zoom = parse_transcript(b"[Jane Smith] 10:31:12\nHello\n[Bob Jones] 10:31:20\nHi\n")
    assert [(t.speaker, t.start) for t in zoom.turns] == [
        ("Jane Smith", 37872.0),
        ("Bob Jones", 37880.0),
    ]
