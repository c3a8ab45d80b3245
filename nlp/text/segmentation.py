"""Splitting turns and free text into the segments that get coded.

A segment should carry one idea: a whole turn when it is short, otherwise a run of sentences.
Fragments under ``min_words`` ("Yeah.", "Right, OK.") are merged into a neighbour because they
cannot be coded alone, and turns over ``max_words`` are split at sentence boundaries because
long monologues mix several themes.

Sentence boundaries come from spaCy's rule-based sentencizer on a blank English pipeline: no
model weights, and fast. spaCy is imported on first use only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from nlp.text.transcripts.model import Turn

if TYPE_CHECKING:
    from spacy.language import Language

Mode = Literal["turn", "sentence"]
MIN_WORDS = 5
MAX_WORDS = 80


@dataclass(frozen=True)
class Segment:
    """A piece of one turn (or of free text, when ``turn_index`` is None).

    ``char_start``/``char_end`` index into that turn's text, so ``turn.text[s.char_start:
    s.char_end] == s.text``.
    """

    text: str
    turn_index: int | None
    speaker: str | None
    start: float | None
    char_start: int
    char_end: int


@lru_cache(maxsize=1)
def _sentencizer() -> Language:
    import spacy  # deferred: importing nlp.text must stay light

    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    return pipeline


def sentence_spans(texts: Sequence[str], batch_size: int = 256) -> list[list[tuple[int, int]]]:
    """(start, end) character spans of the sentences of each text, whitespace trimmed."""
    spans: list[list[tuple[int, int]]] = []
    for doc in _sentencizer().pipe(texts, batch_size=batch_size):
        found = []
        for sent in doc.sents:
            start, end = _trim(doc.text, sent.start_char, sent.end_char)
            if end > start:
                found.append((start, end))
        spans.append(found)
    return spans


def segment_turns(
    turns: Iterable[Turn],
    *,
    mode: Mode = "turn",
    min_words: int = MIN_WORDS,
    max_words: int = MAX_WORDS,
) -> list[Segment]:
    """Segments of each turn, in order.

    ``mode="turn"`` keeps a turn whole unless it is longer than ``max_words``, then packs its
    sentences into chunks of at most ``max_words``. ``mode="sentence"`` gives one segment per
    sentence. Either way a piece shorter than ``min_words`` joins its neighbour.
    """
    turns = [turn for turn in turns if turn.text.strip()]
    all_spans = sentence_spans([turn.text for turn in turns])
    segments: list[Segment] = []
    for turn, spans in zip(turns, all_spans, strict=True):
        for start, end in _group(turn.text, spans, mode, min_words, max_words):
            segments.append(
                Segment(turn.text[start:end], turn.index, turn.speaker, turn.start, start, end)
            )
    return segments


def segment_text(
    text: str,
    *,
    mode: Mode = "sentence",
    min_words: int = MIN_WORDS,
    max_words: int = MAX_WORDS,
) -> list[Segment]:
    """Segments of a free-text response (no speaker or timing)."""
    if not text.strip():
        return []
    spans = sentence_spans([text])[0]
    return [
        Segment(text[start:end], None, None, None, start, end)
        for start, end in _group(text, spans, mode, min_words, max_words)
    ]


def _group(
    text: str, spans: list[tuple[int, int]], mode: Mode, min_words: int, max_words: int
) -> list[tuple[int, int]]:
    if not spans:
        return []
    if mode == "turn" and _words(text, spans[0][0], spans[-1][1]) <= max_words:
        return [(spans[0][0], spans[-1][1])]
    pieces: list[tuple[int, int]] = []
    for start, end in spans:
        pieces.extend(_split_long(text, start, end, max_words))
    groups: list[list[int]] = []  # [start, end, words]
    for start, end in pieces:
        words = _words(text, start, end)
        short_before = bool(groups) and groups[-1][2] < min_words
        fits = mode == "turn" and bool(groups) and groups[-1][2] + words <= max_words
        if short_before or fits:
            groups[-1][1:] = [end, groups[-1][2] + words]
        else:
            groups.append([start, end, words])
    if len(groups) > 1 and groups[-1][2] < min_words:
        groups[-2][1] = groups[-1][1]
        groups.pop()
    return [(start, end) for start, end, _ in groups]


def _split_long(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """A single run-on "sentence" (common in auto-captions) cut at word boundaries."""
    if _words(text, start, end) <= max_words:
        return [(start, end)]
    pieces = []
    count = 0
    piece_start = start
    position = start
    for word in text[start:end].split():
        position = text.index(word, position)
        if count == max_words:
            pieces.append(_trim(text, piece_start, position))
            piece_start, count = position, 0
        count += 1
        position += len(word)
    pieces.append(_trim(text, piece_start, end))
    return pieces


def _words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
