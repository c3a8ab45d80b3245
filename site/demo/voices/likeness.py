"""When two texts "read alike", and an index that answers that question quickly.

Two texts read alike if their lowercased word tokens are the same, if the Jaccard similarity of
their token sets is at least 0.6, or if they share a run of eight consecutive tokens.

The index keeps every 8-token run in a set, and finds Jaccard neighbours with prefix filtering:
with the tokens of every set sorted in one fixed global order (rarest first), two sets whose
Jaccard similarity reaches 0.6 share at least ceil(0.6 n) tokens, so (taking the two rarest of
the shared tokens) they share a *pair* of tokens among the first ``n - ceil(0.6 n) + 2`` tokens
of each. Only the pairs from those prefixes are indexed, so a query compares a new text with the
few texts that share such a pair instead of with everything drawn so far. The answer is exact,
not an approximation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from itertools import combinations, repeat
from operator import mul, sub

RUN = 8
# The threshold is 3/5, kept as a fraction so the test is exact integer arithmetic.
_NUM, _DEN = 3, 5

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def tokens(text: str) -> list[str]:
    """Lowercased word tokens, punctuation stripped (apostrophes inside words kept)."""
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


def shingles(words: list[str], run: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + run]) for i in range(len(words) - run + 1)}


def jaccard_reaches(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> bool:
    """Whether |a & b| / |a | b| >= 0.6."""
    inter = len(a & b)
    union = len(a) + len(b) - inter
    return union > 0 and inter * _DEN >= union * _NUM


def read_alike(a: str, b: str) -> bool:
    """The definition itself, for two texts (the index below answers it for many)."""
    ta, tb = tokens(a), tokens(b)
    if ta == tb:
        return True
    if jaccard_reaches(set(ta), set(tb)):
        return True
    return bool(shingles(ta) & shingles(tb))


class LikenessIndex:
    """Everything a generator has said, ready to say whether a new text would read alike."""

    def __init__(self, rank: Mapping[str, int] | None = None) -> None:
        self._rank = rank or {}
        self._runs: set[tuple[str, ...]] = set()
        self._sets: list[frozenset[str]] = []
        self._masks: list[int] = []  # each set as a bitmask over the vocabulary seen so far
        self._sizes: list[int] = []
        self._bits: dict[str, int] = {}
        self._postings: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._tiny: list[int] = []  # sets with fewer than two words have no pairs

    def __len__(self) -> int:
        return len(self._sets)

    def _pairs(self, words: frozenset[str]) -> list[tuple[str, str]]:
        ordered = sorted(words, key=lambda w: (self._rank.get(w, 0), w))
        n = len(ordered)
        keep = min(n, n - (n * _NUM + _DEN - 1) // _DEN + 2)
        return list(combinations(ordered[:keep], 2))

    def reads_alike(self, text: str) -> bool:
        words = tokens(text)
        if not words:
            return True
        if not shingles(words).isdisjoint(self._runs):
            return True
        bag = frozenset(words)
        size = len(bag)
        postings = self._postings
        lists = [postings[pair] for pair in self._pairs(bag) if pair in postings]
        candidates = set(self._tiny).union(*lists)
        if not candidates:
            return False
        mask = self._mask(bag)
        # J >= 3/5  <=>  5 |A & B| >= 3 |A | B|  <=>  8 |A & B| - 3 |B| >= 3 |A|. Sets are kept
        # as bitmasks too, so this runs at C speed for every candidate of every draw.
        overlaps = map(int.bit_count, map(mask.__and__, map(self._masks.__getitem__, candidates)))
        eight_overlaps = map(mul, overlaps, repeat(8))
        three_sizes = map(mul, map(self._sizes.__getitem__, candidates), repeat(3))
        return max(map(sub, eight_overlaps, three_sizes), default=-1) >= 3 * size

    def _mask(self, bag: frozenset[str]) -> int:
        bits = self._bits
        mask = 0
        for word in bag:
            bit = bits.get(word)
            if bit is None:
                bit = bits[word] = 1 << len(bits)
            mask |= bit
        return mask

    def add(self, text: str) -> None:
        words = tokens(text)
        bag = frozenset(words)
        index = len(self._sets)
        self._sets.append(bag)
        self._masks.append(self._mask(bag))
        self._sizes.append(len(bag))
        self._runs.update(shingles(words))
        pairs = self._pairs(bag)
        for pair in pairs:
            self._postings[pair].append(index)
        if not pairs:
            self._tiny.append(index)

    def try_add(self, text: str) -> bool:
        """Add the text unless it reads alike one already held; say whether it was added."""
        if self.reads_alike(text):
            return False
        self.add(text)
        return True
