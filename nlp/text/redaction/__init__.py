"""Redacting personal data from transcripts and free text, with a reviewable result.

``redact`` replaces each piece of personal data with a typed placeholder such as ``[PHONE]``
and returns the spans it replaced (in the original's character offsets), so a reviewer can see
what went and correct it with ``apply_corrections``, which re-renders from the original.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from nlp.text.redaction.patterns import find_patterns, known_names_pattern, names_tuple

__all__ = [
    "KINDS",
    "RedactionResult",
    "Span",
    "apply_corrections",
    "keep_values",
    "placeholder",
    "redact",
    "redact_many",
    "render",
]

# When candidates overlap the longer wins (a URL holding an email address is one URL); between
# equal lengths, earlier kinds win: structured identifiers are the most certain.
KINDS = (
    "EMAIL",
    "URL",
    "NHS_NUMBER",
    "NI_NUMBER",
    "PHONE",
    "POSTCODE",
    "DATE_OF_BIRTH",
    "ADDRESS",
    "NAME",
)
_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}
_KIND_SHAPE = re.compile(r"[A-Z][A-Z_]{1,30}")


@dataclass(frozen=True, order=True)
class Span:
    """A redacted stretch ``original[start:end]`` of the original text and what kind it is."""

    start: int
    end: int
    kind: str
    original: str = ""


@dataclass(frozen=True)
class RedactionResult:
    """The redacted text and the non-overlapping spans (sorted, in original offsets)."""

    text: str
    spans: list[Span]


def placeholder(kind: str) -> str:
    """The text that stands in for a span of ``kind``: always ``[KIND]``."""
    return f"[{kind}]"


def redact(text: str, use_ner: bool = True, known_names: Iterable[str] = ()) -> RedactionResult:
    """Redact one text. ``known_names`` (e.g. the transcript's speakers) are always redacted
    wherever they occur; ``use_ner`` adds people found by the spaCy model."""
    return redact_many([text], use_ner=use_ner, known_names=known_names)[0]


def redact_many(
    texts: Iterable[str],
    use_ner: bool = True,
    known_names: Iterable[str] = (),
    *,
    batch_size: int = 256,
    n_process: int = 1,
) -> list[RedactionResult]:
    """Redact many texts, running the NER model over them in batches."""
    texts = list(texts)
    names = known_names_pattern(names_tuple(known_names))
    candidates = [find_patterns(text, names) for text in texts]
    if use_ner and texts:
        from nlp.text.redaction.ner import entity_spans

        for found, entities in zip(
            candidates,
            entity_spans(texts, batch_size=batch_size, n_process=n_process),
            strict=True,
        ):
            found.extend(entities)
    return [
        render(text, _resolve(text, found)) for text, found in zip(texts, candidates, strict=True)
    ]


def keep_values(
    texts: Sequence[str], results: Sequence[RedactionResult], keep: Iterable[str]
) -> list[RedactionResult]:
    """``results`` with every span whose words a reviewer said to keep (``keep``, any case)
    put back: a word the patterns or the model took for personal data that is not."""
    keep = {value.casefold() for value in keep}
    if not keep:
        return list(results)
    return [
        apply_corrections(
            text,
            result.spans,
            remove=[span for span in result.spans if span.original.casefold() in keep],
        )
        for text, result in zip(texts, results, strict=True)
    ]


def render(original: str, spans: Sequence[Span]) -> RedactionResult:
    """The redacted text for non-overlapping ``spans`` of ``original``."""
    ordered = sorted(spans)
    pieces: list[str] = []
    position = 0
    for span in ordered:
        pieces.append(original[position : span.start])
        pieces.append(placeholder(span.kind))
        position = span.end
    pieces.append(original[position:])
    return RedactionResult("".join(pieces), ordered)


def apply_corrections(
    original: str,
    spans: Sequence[Span],
    add: Iterable[Span | tuple[int, int, str]] = (),
    remove: Iterable[Span | tuple[int, int]] = (),
) -> RedactionResult:
    """Re-render ``original`` after a reviewer's edits to its span list.

    ``remove`` drops spans by their (start, end). ``add`` spans are checked against the text
    and take precedence over any existing span they overlap (the reviewer has the last word).
    Raises ValueError for spans outside the text, empty spans, unknown kinds or added spans
    that overlap each other.
    """
    removed = {(item[0], item[1]) if isinstance(item, tuple) else (item.start, item.end)
               for item in remove}  # fmt: skip
    kept = [span for span in spans if (span.start, span.end) not in removed]
    added: list[Span] = []
    for item in add:
        start, end, kind = (item[0], item[1], item[2]) if isinstance(item, tuple) else (
            item.start, item.end, item.kind)  # fmt: skip
        if not 0 <= start < end <= len(original):
            raise ValueError(f"span {start}-{end} is outside the text (length {len(original)})")
        if kind not in _PRIORITY and not _KIND_SHAPE.fullmatch(kind):
            raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
        added.append(Span(start, end, kind, original[start:end]))
    added.sort()
    for before, after in itertools.pairwise(added):
        if after.start < before.end:
            raise ValueError(f"added spans {before.start}-{before.end} and "
                             f"{after.start}-{after.end} overlap")  # fmt: skip
    kept = [
        Span(s.start, s.end, s.kind, original[s.start : s.end])
        for s in kept
        if not any(s.start < a.end and a.start < s.end for a in added)
    ]
    return render(original, kept + added)


def _resolve(text: str, candidates: list[tuple[int, int, str]]) -> list[Span]:
    """Non-overlapping spans from overlapping candidates: longest first, then by kind."""
    chosen: list[tuple[int, int, str]] = []
    ordered = sorted(candidates, key=lambda c: (c[0] - c[1], _PRIORITY.get(c[2], 99), c[0]))
    for start, end, kind in ordered:
        if start >= end:
            continue
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, kind))
    chosen.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in chosen:
        # "Jane" and "Smith" found separately are one name: one placeholder reads better.
        gap = text[merged[-1][1] : start] if merged else "x"
        if merged[-1:] and merged[-1][2] == kind == "NAME" and gap in ("", " "):
            merged[-1] = (merged[-1][0], end, kind)
            continue
        merged.append((start, end, kind))
    return [Span(start, end, kind, text[start:end]) for start, end, kind in merged]
