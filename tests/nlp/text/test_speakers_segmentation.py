"""Pseudonyms, roles and segmentation."""

from __future__ import annotations

from nlp.text.segmentation import segment_text, segment_turns
from nlp.text.speakers import assign_pseudonyms, label_turns
from nlp.text.transcripts import Transcript, Turn, parse_transcript

from .conftest import TEAMS_VTT, ZOOM_VTT


def test_pseudonyms_in_order_with_named_facilitator():
    transcript = parse_transcript(TEAMS_VTT.encode(), "x.vtt")
    speakers = assign_pseudonyms(transcript, facilitators={"priya  SHAH"})
    assert {name: info.pseudonym for name, info in speakers.items()} == {
        "Priya Shah": "Facilitator 1",
        "Gary Evans": "Participant 1",
        "Maureen O'Neill": "Participant 2",
    }
    assert speakers["Priya Shah"].coded is False
    assert speakers["Gary Evans"].coded is True


def test_heuristic_picks_the_questioner_and_can_be_turned_off():
    transcript = parse_transcript(ZOOM_VTT.encode(), "x.vtt")
    speakers = assign_pseudonyms(transcript)
    assert speakers["Priya Shah"].role == "facilitator"
    assert speakers["Maureen O'Neill"].pseudonym == "Participant 2"
    off = assign_pseudonyms(transcript, detect_facilitator=False)
    assert [info.pseudonym for info in off.values()] == [
        "Participant 1",
        "Participant 2",
        "Participant 3",
    ]


def test_pseudonyms_are_stable_across_calls_and_labelled_turns_hide_names():
    transcript = parse_transcript(TEAMS_VTT.encode(), "x.vtt")
    assert assign_pseudonyms(transcript) == assign_pseudonyms(transcript)
    labelled = label_turns(transcript, assign_pseudonyms(transcript))
    assert [t.pseudonym for t in labelled][:2] == ["Facilitator 1", "Participant 1"]
    assert [t.coded for t in labelled] == [False, True, False, True]


def test_single_speaker_is_never_a_facilitator():
    transcript = Transcript([Turn(0, "Jo", None, None, "Why? Why? Why?")], "txt")
    assert assign_pseudonyms(transcript)["Jo"].role == "participant"


def test_short_turns_stay_whole_and_long_turns_split_at_sentences():
    long_text = " ".join(f"Sentence number {n} is about the buses in town." for n in range(20))
    turns = [Turn(0, "A", 1.0, 2.0, "Yeah. It was fine really."), Turn(1, "B", 3.0, 9.0, long_text)]
    segments = segment_turns(turns)
    assert segments[0].text == "Yeah. It was fine really."
    long_segments = [s for s in segments if s.turn_index == 1]
    assert len(long_segments) > 1
    assert all(len(s.text.split()) <= 80 for s in long_segments)
    assert all(s.text.endswith(".") for s in long_segments)
    for segment in long_segments:
        assert long_text[segment.char_start : segment.char_end] == segment.text
        assert (segment.speaker, segment.start) == ("B", 3.0)


def test_sentence_mode_merges_fragments():
    text = "Yeah. OK. The bus never comes on time round here. It's a joke, it really is. Honestly."
    segments = segment_text(text)
    assert [s.text for s in segments] == [
        "Yeah. OK. The bus never comes on time round here.",
        "It's a joke, it really is. Honestly.",
    ]
    assert all(text[s.char_start : s.char_end] == s.text for s in segments)


def test_run_on_caption_text_is_cut_at_word_boundaries():
    text = " ".join(["and"] * 200)
    segments = segment_text(text, mode="turn")
    assert [len(s.text.split()) for s in segments] == [80, 80, 40]


def test_empty_input():
    assert segment_text("   ") == []
    assert segment_turns([Turn(0, None, None, None, " ")]) == []
