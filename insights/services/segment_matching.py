"""Which of a record's existing segments a freshly built piece is, so codes stay on their words.

When a record is rebuilt (an edited note, a corrected redaction, a speaker marked as facilitator)
each new piece is matched to an old segment in three passes:

1. **Same words**: the keyed hash of the piece's text before redaction (`Piece.content_key`),
   then its redacted text, both compared after folding case, spacing and punctuation. The piece
   keeps the segment and every code on it, wherever it has moved in the record.
2. **Edited words**: what is left of one part of the record (a question's answer, a turn) is
   paired most-similar first, then in reading order. The segment is kept, but the words its codes
   were given to have changed, so people's codes on it go back to review (`Match.edited`).
3. Everything else is new (`Match.created`) or gone (`Match.removed`).

Position never decides alone which words a code belongs to: prepending a sentence, deleting
one or reordering them leaves every code on the words it was given. Duplicate texts within a
record are paired in reading order. Pure Python, so it can be tested on its own."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

# Below this word-level similarity two pieces of one part are only paired when nothing better is
# left (pass 2's reading-order pairing); above it, the most similar pieces pair first.
SIMILAR = 0.5

_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """The words of ``text``, case-folded, with punctuation and spacing collapsed."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


@dataclass(frozen=True)
class Piece:
    """One segment of a record, old or new: where it is and what it says."""

    part: str
    text: str  # redacted
    content_key: str = ""  # keyed hash of the unredacted words; "" for segments built before it


@dataclass
class Match:
    """Indexes into the old and new lists of pieces."""

    same: list[tuple[int, int]] = field(default_factory=list)
    edited: list[tuple[int, int]] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


def _pair_exactly(old, new, key_of, match: Match, left_old: set, left_new: set) -> None:
    waiting: dict[str, list[int]] = defaultdict(list)
    for i in sorted(left_old):
        key = key_of(old[i])
        if key:
            waiting[key].append(i)
    for j in sorted(left_new):
        key = key_of(new[j])
        if key and waiting.get(key):
            i = waiting[key].pop(0)
            match.same.append((i, j))
            left_old.discard(i)
            left_new.discard(j)


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, normalise(a).split(), normalise(b).split()).ratio()


def _pair_within_parts(old, new, match: Match, left_old: set, left_new: set) -> None:
    parts = {old[i].part for i in left_old} & {new[j].part for j in left_new}
    for part in sorted(parts):
        olds = sorted(i for i in left_old if old[i].part == part)
        news = sorted(j for j in left_new if new[j].part == part)
        scored = [(_similarity(old[i].text, new[j].text), i, j) for i in olds for j in news]
        for _, i, j in sorted((s for s in scored if s[0] >= SIMILAR), key=lambda s: -s[0]):
            if i in left_old and j in left_new:
                match.edited.append((i, j))
                left_old.discard(i)
                left_new.discard(j)
        # What is still unpaired in this part was rewritten: pair it in reading order.
        for i, j in zip(
            [i for i in olds if i in left_old], [j for j in news if j in left_new], strict=False
        ):
            match.edited.append((i, j))
            left_old.discard(i)
            left_new.discard(j)


def match_pieces(old: list[Piece], new: list[Piece]) -> Match:
    """Pair each new piece with the old segment that holds the same (or its edited) words."""
    match = Match()
    left_old, left_new = set(range(len(old))), set(range(len(new)))
    _pair_exactly(old, new, lambda p: p.content_key, match, left_old, left_new)
    _pair_exactly(old, new, lambda p: normalise(p.text), match, left_old, left_new)
    _pair_within_parts(old, new, match, left_old, left_new)
    match.created = sorted(left_new)
    match.removed = sorted(left_old)
    match.same.sort(key=lambda pair: pair[1])
    match.edited.sort(key=lambda pair: pair[1])
    return match
