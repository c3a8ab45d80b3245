"""Every way a transcript can be unreadable gives a TranscriptError that says where and why."""

from __future__ import annotations

import pytest

from nlp.text.transcripts import TranscriptError, parse_transcript
from tests.archives import zip_bytes


def _error(data: bytes, filename: str = "x.txt", **kwargs) -> TranscriptError:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(data, filename, **kwargs)
    return caught.value


def test_malformed_vtt_timing_names_line_and_cue():
    data = b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nfine\n\n7\n00:01:xx --> 00:01:05\nbad\n"
    error = _error(data, "x.vtt")
    assert error.line == 8
    assert error.cue == "7"
    assert str(error).startswith("Line 8 (cue 7): the cue timing '00:01:xx --> 00:01:05'")
    assert "not a valid timestamp" in str(error)


def test_end_before_start():
    error = _error(b"WEBVTT\n\n00:00:09.000 --> 00:00:05.000\nhello\n", "x.vtt")
    assert error.line == 3
    assert "ends (00:00:05.000) before it starts (00:00:09.000)" in str(error)


def test_srt_cue_number_without_timing():
    error = _error(b"1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\nno timing here\n", "x.srt")
    assert (error.line, error.cue) == (6, "2")
    assert "expected a timing line" in str(error)


def test_out_of_range_seconds_in_srt():
    error = _error(b"1\n00:00:01,000 --> 00:00:75,000\nhi\n", "x.srt")
    assert error.line == 2
    assert "'00:00:01,000 --> 00:00:75,000'" in str(error)


def test_bad_bracketed_timestamp_in_txt():
    error = _error(b"[00:00:01] Jane Smith: hi\n[00:61:02] Jane Smith: again\n")
    assert error.line == 2
    assert "00:61:02" in str(error)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n\n\t\n", "empty"),
        (b"WEBVTT\n\nNOTE nothing said\n", "no transcript text"),
        (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n", "no transcript text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_unusable_files(data, words):
    assert words in str(_error(data))


def test_oversized_input():
    error = _error(b"Jane Smith: hi\n" * 100, max_bytes=1000)
    assert "over the" in str(error) and "limit" in str(error)


def test_not_a_zip_named_docx():
    assert "not a valid zip" in str(_error(b"Jane Smith: hi", "x.docx"))


def test_corruptzip_bytes():
    assert "not a valid zip" in str(_error(b"PK\x03\x04garbage" * 10, "x.docx"))


def test_docx_without_document_xml():
    assert "word/document.xml" in str(_error(zip_bytes({"hello.txt": b"hi"}), "x.docx"))


def test_docx_zip_bomb_is_refused_before_inflating():
    bomb = zip_bytes({"word/document.xml": b"<" + b"a" * (60 * 1024 * 1024)})
    assert len(bomb) < 200_000
    assert "unpack to more than" in str(_error(bomb, "x.docx"))


def test_docx_suspicious_ratio_is_refused():
    bomb = zip_bytes({"word/document.xml": b" " * (5 * 1024 * 1024)})
    assert "zip bomb" in str(_error(bomb, "x.docx"))


def test_docx_too_many_members():
    members = {f"junk/{n}.txt": b"" for n in range(2001)}
    members["word/document.xml"] = b"<w:document/>"
    assert "parts" in str(_error(zip_bytes(members), "x.docx"))


def test_docx_with_entities_is_refused():
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body></w:document>"
    )
    assert "DTD or entities" in str(_error(zip_bytes({"word/document.xml": xml}), "x.docx"))


def test_docx_with_broken_xml():
    assert "not well-formed" in str(
        _error(zip_bytes({"word/document.xml": b"<a><b></a>"}), "x.docx")
    )


def test_deeply_nested_docx_xml_does_not_crash():
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    depth = 5000
    xml = (
        f'<w:document xmlns:w="{w}"><w:body><w:p>'
        + "<w:r>" * depth
        + "<w:t>Jane Smith: deep</w:t>"
        + "</w:r>" * depth
        + "</w:p><w:p><w:r><w:t>Bob Jones: hi</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    try:
        transcript = parse_transcript(zip_bytes({"word/document.xml": xml}), "x.docx")
    except TranscriptError:
        return
    assert transcript.turns[0].text == "deep"
