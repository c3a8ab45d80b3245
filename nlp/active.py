"""Choosing which segments people should code next, so each code teaches the model most.

A *strategy* looks at a pool of segments (every text and sentence vector, the rows people have
coded so far with their labels, and the current model's probabilities for every row) and picks
the next rows to code. It never sees the label of a row nobody has coded: :class:`PoolState`
does not hold them. Each pick carries a plain reason, which the review queue shows.

Strategies:

``random``
    Uniform among the rows not yet coded: the baseline every other strategy must beat.
``queue``
    The review queue's long-standing order: lowest best probability first (the model is least
    sure any theme applies). Before there is a model it is random.
``useful``
    The product's choice (see ``BEST``), chosen with ``python -m nlp simulate`` by
    cross-validation on the training parts of the shared files. Three ideas, weighed by how
    much people have coded:

    * **Search for themes with few examples.** Part of every batch goes to the themes with the
      fewest codes: for each, the uncoded row closest to it, where "close" blends the cosine to
      the theme's words (its label, definition, key phrases and examples) with the model's
      probability for it. The theme's words count for a lot while it has no codes and fade as
      codes arrive (``definition_weight = m / (m + codes)``), when the model knows it better.
    * **Uncertainty.** The rest goes to rows where the model is closest to changing its mind
      about some theme (a probability near that theme's threshold; for single-label data, the
      smallest gap between the two most probable themes).
    * **Diversity.** Uncertain rows come in clumps of near-duplicates; the candidates are
      clustered on their vectors and the most uncertain row of each cluster is taken. The very
      first batch, before any code, is the row nearest the centre of each of ``k`` clusters.
    * **The codebook as first examples** (:func:`with_priors`): while a theme has fewer than
      ``PRIOR_UNTIL`` codes, the model also learns from its description as one coded example.
      Strategies that use this say so in ``USES_PRIORS``.

Every strategy is deterministic for a given ``numpy.random.Generator`` seed.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

BEST = "useful"

# Share of a batch given to searching for themes with few examples, and how many codes a
# theme needs before it stops being searched for deliberately.
RARE_SHARE = 0.4
RARE_ENOUGH = 25
# A theme's words weigh as much as the model once it has this many codes.
DEFINITION_HALF_LIFE = 5.0
# A theme's description is a training example until it has this many codes of its own.
PRIOR_UNTIL = 5
# How much the model's probability for a theme adds to the closeness of a row to the theme.
MODEL_WEIGHT = 0.5
# Uncertain candidates considered per pick, before clustering for diversity.
CANDIDATES_PER_PICK = 6


@dataclass(frozen=True)
class ThemeHint:
    """A theme as a strategy knows it before anyone codes it: its key, its description (label,
    definition and inclusion note) and the vector of all its words (description, key phrases,
    examples), normalised."""

    key: str
    vector: np.ndarray
    text: str = ""


@dataclass(frozen=True)
class Pick:
    """One row chosen for a person to code, with why: ``reason`` in words a reviewer can read,
    ``kind`` (random, lowest, rare, uncertain, spread) and the ``theme`` key it concerns, if any,
    for a caller that words it its own way."""

    index: int
    reason: str
    kind: str = ""
    theme: str | None = None


@dataclass
class PoolState:
    """Everything a strategy may look at. ``coded`` are pool indices in the order people coded
    them and ``coded_labels`` their labels; the labels of every other row are not here.

    ``probabilities`` (rows × ``model_labels``) and ``thresholds`` come from the model trained
    on the coded rows, or are None before there is one."""

    texts: Sequence[str]
    vectors: np.ndarray
    coded: list[int] = field(default_factory=list)
    coded_labels: list[list[str]] = field(default_factory=list)
    probabilities: np.ndarray | None = None
    thresholds: np.ndarray | None = None
    model_labels: list[str] = field(default_factory=list)
    single_label: bool = False
    themes: list[ThemeHint] = field(default_factory=list)

    def uncoded(self) -> np.ndarray:
        mask = np.ones(len(self.texts), dtype=bool)
        mask[self.coded] = False
        return np.flatnonzero(mask)

    def label_counts_seen(self) -> dict[str, int]:
        """Codes per theme among the coded rows."""
        counts: dict[str, int] = {}
        for row in self.coded_labels:
            for label in row:
                counts[label] = counts.get(label, 0) + 1
        return counts

    def label_counts(self) -> dict[str, int]:
        """Codes per theme so far, with every theme of the codebook (0 when never coded)."""
        return {hint.key: 0 for hint in self.themes} | self.label_counts_seen()


Strategy = Callable[[PoolState, int, np.random.Generator], list[Pick]]


def random_strategy(state: PoolState, k: int, rng: np.random.Generator) -> list[Pick]:
    """``k`` uncoded rows, uniformly at random."""
    free = state.uncoded()
    chosen = rng.choice(free, size=min(k, len(free)), replace=False)
    return [Pick(int(i), "Picked at random.", "random") for i in chosen]


def queue_strategy(state: PoolState, k: int, rng: np.random.Generator) -> list[Pick]:
    """Lowest best probability first (random before there is a model)."""
    if state.probabilities is None:
        return random_strategy(state, k, rng)
    free = state.uncoded()
    best = state.probabilities[free].max(axis=1)
    # A seeded jitter far below any real difference breaks ties without favouring file order.
    order = np.lexsort((rng.random(len(free)), best))[:k]
    return [
        Pick(int(free[i]), f"The model's best guess is only {best[i]:.0%} sure.", "lowest")
        for i in order
    ]


def useful_strategy(state: PoolState, k: int, rng: np.random.Generator) -> list[Pick]:
    """Themes with few examples, then uncertain rows spread across the pool (module docstring)."""
    free = state.uncoded()
    k = min(k, len(free))
    if k == 0:
        return []
    picks = _rare_theme_picks(state, free, round(k * RARE_SHARE) if state.coded else k // 2)
    taken = {p.index for p in picks}
    rest = np.array([i for i in free if i not in taken], dtype=np.int64)
    if state.probabilities is None:
        picks += _spread_picks(state.vectors, rest, k - len(picks), rng)
    else:
        picks += _uncertain_picks(state, rest, k - len(picks), rng)
    return picks[:k]


def _rare_theme_picks(state: PoolState, free: np.ndarray, n: int) -> list[Pick]:
    """Up to ``n`` rows, one per theme with the fewest codes, each the closest to its theme."""
    if n <= 0 or not len(free):
        return []
    counts = state.label_counts()
    hints = {hint.key: hint.vector for hint in state.themes}
    model_col = {label: j for j, label in enumerate(state.model_labels)}
    wanted = [
        key
        for key, count in sorted(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if count < RARE_ENOUGH and (key in hints or key in model_col)
    ]
    picks: list[Pick] = []
    taken: set[int] = set()
    vectors = state.vectors[free]
    examples = _examples_by_label(state)
    for key in wanted[:n]:
        count = counts[key]
        prototype = _prototype(state, hints.get(key), examples.get(key))
        closeness = vectors @ prototype
        if state.probabilities is not None and key in model_col:
            closeness = closeness + MODEL_WEIGHT * state.probabilities[free, model_col[key]]
        for j in np.argsort(-closeness):
            index = int(free[j])
            if index not in taken:
                taken.add(index)
                had = "no codes yet" if count == 0 else f"only {count} code{'s' * (count > 1)}"
                reason = f"Might be about “{key}”, which has {had}."
                picks.append(Pick(index, reason, "rare", key))
                break
    return picks


def _examples_by_label(state: PoolState) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for index, labels in zip(state.coded, state.coded_labels, strict=True):
        for label in labels:
            out.setdefault(label, []).append(index)
    return out


def _prototype(state: PoolState, hint: np.ndarray | None, rows: list[int] | None) -> np.ndarray:
    """Where a theme sits among the vectors: its words' vector while nobody has coded it, moving
    to the mean of the rows people coded with it as those accumulate."""
    dim = state.vectors.shape[1]
    mean = state.vectors[rows].mean(axis=0) if rows else np.zeros(dim, dtype=np.float32)
    mean = mean / (np.linalg.norm(mean) or 1.0)
    count = len(rows or ())
    weight = DEFINITION_HALF_LIFE / (DEFINITION_HALF_LIFE + count) if hint is not None else 0.0
    vector = weight * (hint if hint is not None else 0.0) + (1 - weight) * mean
    return vector / (np.linalg.norm(vector) or 1.0)


def _uncertainty(state: PoolState, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How close the model is to changing its mind on each row (higher is closer, at most 1),
    and the theme it is closest to changing its mind about."""
    probs = state.probabilities[rows]
    if state.single_label or state.thresholds is None:
        order = np.argsort(-probs, axis=1)
        top = np.take_along_axis(probs, order[:, :2], axis=1)
        gap = top[:, 0] - (top[:, 1] if probs.shape[1] > 1 else 0.0)
        return 1.0 - gap, order[:, 0]
    distance = np.abs(probs - state.thresholds) / np.maximum(state.thresholds, 1 - state.thresholds)
    which = distance.argmin(axis=1)
    return 1.0 - distance[np.arange(len(rows)), which], which


def _uncertain_picks(
    state: PoolState, rows: np.ndarray, n: int, rng: np.random.Generator
) -> list[Pick]:
    """The most uncertain row of each of ``n`` clusters of the most uncertain candidates."""
    if n <= 0 or not len(rows):
        return []
    score, which = _uncertainty(state, rows)
    candidates = np.argsort(-score, kind="stable")[: n * CANDIDATES_PER_PICK]
    groups = _clusters(state.vectors[rows[candidates]], n, rng)
    picks = []
    for group in range(groups.max() + 1):
        members = candidates[groups == group]
        if not len(members):
            continue
        best = members[np.argmax(score[members])]
        label = state.model_labels[int(which[best])]
        reason = f"The model is unsure whether “{label}” applies."
        picks.append((score[best], Pick(int(rows[best]), reason, "uncertain", label)))
    picks.sort(key=lambda sp: -sp[0])
    return [p for _s, p in picks[:n]]


def _spread_picks(
    vectors: np.ndarray, rows: np.ndarray, n: int, rng: np.random.Generator
) -> list[Pick]:
    """The row nearest the centre of each of ``n`` clusters of ``rows``: a batch that covers
    the pool rather than its most common kind of comment."""
    if n <= 0 or not len(rows):
        return []
    groups, centres = _clusters(vectors[rows], n, rng, centres=True)
    picks = []
    for group, centre in enumerate(centres):
        members = np.flatnonzero(groups == group)
        if len(members):
            nearest = members[np.argmax(vectors[rows[members]] @ centre)]
            picks.append(Pick(int(rows[nearest]), "Unlike the segments coded so far.", "spread"))
    return picks[:n]


def _clusters(x: np.ndarray, n: int, rng: np.random.Generator, *, centres: bool = False):
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    n = max(1, min(n, len(x)))
    model = KMeans(n_clusters=n, n_init=1, random_state=int(rng.integers(2**31 - 1)))
    with warnings.catch_warnings():
        # Fewer distinct vectors than clusters (duplicate texts) leaves some clusters empty,
        # which the callers allow for.
        warnings.simplefilter("ignore", ConvergenceWarning)
        groups = model.fit_predict(np.asarray(x, dtype=np.float64))
    return (groups, model.cluster_centers_) if centres else groups


def with_priors(
    texts: Sequence[str],
    labels: Sequence[Sequence[str]],
    vectors: np.ndarray | None,
    hints: Sequence[ThemeHint],
) -> tuple[list[str], list[list[str]], np.ndarray | None]:
    """The training data plus one example per codebook theme with fewer than ``PRIOR_UNTIL``
    codes: its description, labelled with it, with the vector of all its words. Codes that
    people give soon outweigh these, and past ``PRIOR_UNTIL`` the theme's words drop out."""
    counts: dict[str, int] = {}
    for row in labels:
        for label in row:
            counts[label] = counts.get(label, 0) + 1
    extra = [h for h in hints if counts.get(h.key, 0) < PRIOR_UNTIL and (h.text or h.key)]
    texts = [*texts, *[h.text or h.key for h in extra]]
    labels = [*[list(row) for row in labels], *[[h.key] for h in extra]]
    if vectors is not None and extra:
        vectors = np.vstack([vectors, np.stack([h.vector for h in extra])]).astype(np.float32)
    return texts, labels, vectors


STRATEGIES: dict[str, Strategy] = {
    "random": random_strategy,
    "queue": queue_strategy,
    "useful": useful_strategy,
}


# Strategies whose model also learns from the codebook's words (see with_priors).
USES_PRIORS = {"useful"}


def strategy(name: str) -> Strategy:
    """The strategy called ``name`` (``best`` is the product's, ``BEST``)."""
    if name == "best":
        name = BEST
    try:
        return STRATEGIES[name]
    except KeyError:
        known = ", ".join([*STRATEGIES, "best"])
        raise ValueError(f"unknown strategy {name!r} (known: {known})") from None


def theme_hints(codebook, encode: Callable[[list[str]], np.ndarray]) -> list[ThemeHint]:
    """Vectors of each leaf theme's words: description, key phrases and examples, averaged."""
    texts, owners = [], []
    for theme in codebook.leaves():
        for text in (theme.description(), *theme.key_phrases, *theme.examples):
            if text.strip():
                texts.append(text)
                owners.append(theme.key)
    if not texts:
        return []
    vectors = np.asarray(encode(texts), dtype=np.float32)
    hints = []
    for key in dict.fromkeys(owners):
        mean = vectors[[i for i, owner in enumerate(owners) if owner == key]].mean(axis=0)
        description = codebook[key].description()
        hints.append(ThemeHint(key, mean / (np.linalg.norm(mean) or 1.0), description))
    return hints
