"""Property tests: parsers never fail with anything but TranscriptError, and rendered cues
round-trip through the VTT and SRT parsers."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.text.transcripts import TranscriptError, parse_transcript

FILENAMES = st.sampled_from(["a.txt", "a.vtt", "a.srt", "a.docx", "a", "a.pdf"])
FRAGMENTS = st.sampled_from(
    ["WEBVTT", "\n", "\n\n", " --> ", "00:00:01.000", "00:01", "1:02:03,5", "99:99", "<v ",
     "Jane Smith", ">", "</v>", ": ", "[", "]", "(", ")", "NOTE", "1", "hello there", "\t",
     "\r\n", "&amp;", "<i>", "x", "\ufeff", "started transcription", "--> -->"]
)  # fmt: skip
WORDS = st.lists(
    st.sampled_from(["we", "waited", "the", "bus", "never", "came", "rent", "is", "high", "ok"]),
    min_size=1,
    max_size=8,
).map(" ".join)
SPEAKERS = st.sampled_from([None, "Jane Smith", "Bob Jones", "Ann Lee"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), filename=FILENAMES)
def test_arbitrary_bytes_only_raise_transcript_error(data, filename):
    try:
        transcript = parse_transcript(data, filename)
    except TranscriptError:
        return
    assert transcript.turns
    assert all(turn.text.strip() for turn in transcript.turns)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(FRAGMENTS, max_size=40), filename=FILENAMES)
def test_transcript_shaped_text_only_raises_transcript_error(pieces, filename):
    try:
        transcript = parse_transcript("".join(pieces).encode(), filename)
    except TranscriptError as error:
        assert str(error)
        return
    for turn in transcript.turns:
        if turn.start is not None and turn.end is not None:
            assert turn.end >= turn.start


CUES = st.lists(
    st.tuples(SPEAKERS, WORDS, st.integers(0, 10_000_000), st.integers(0, 600_000)),
    min_size=1,
    max_size=12,
)


def _stamp(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02}:{minutes:02}:{seconds:02}{separator}{millis:03}"


def _expected(cues):
    turns = []
    for speaker, text, start, duration in cues:
        if turns and speaker is not None and turns[-1][0] == speaker:
            turns[-1][1] += " " + text
            turns[-1][3] = (start + duration) / 1000
        else:
            turns.append([speaker, text, start / 1000, (start + duration) / 1000])
    return turns


def _actual(transcript):
    return [[t.speaker, t.text, t.start, t.end] for t in transcript.turns]


@given(cues=CUES)
def test_vtt_round_trip(cues):
    blocks = ["WEBVTT", ""]
    for number, (speaker, text, start, duration) in enumerate(cues, start=1):
        body = f"<v {speaker}>{text}</v>" if speaker else text
        blocks += [str(number), f"{_stamp(start, '.')} --> {_stamp(start + duration, '.')}",
                   body, ""]  # fmt: skip
    transcript = parse_transcript("\n".join(blocks).encode(), "round.vtt")
    assert _actual(transcript) == _expected(cues)


@given(cues=CUES)
def test_srt_round_trip(cues):
    blocks = []
    for number, (speaker, text, start, duration) in enumerate(cues, start=1):
        body = f"{speaker}: {text}" if speaker else text
        blocks += [str(number), f"{_stamp(start, ',')} --> {_stamp(start + duration, ',')}",
                   body, ""]  # fmt: skip
    transcript = parse_transcript("\n".join(blocks).encode(), "round.srt")
    assert _actual(transcript) == _expected(cues)
