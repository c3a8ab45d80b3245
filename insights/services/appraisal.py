"""Options appraisal arithmetic: weighted ranking and how sure the ranking is.

Plain Python and numpy, no Django, so every number can be checked by hand in the tests.

* **Weighted score**: weights are normalised to add up to 1; every score is on a 0 to
  ``SCALE_MAX`` scale; a cost-direction criterion ("higher is worse") counts as
  ``SCALE_MAX - score``. An option's total is the sum of weight × (possibly inverted) score, so it
  is on the same 0 to 5 scale.
* **Rank**: 1 + the number of options with a strictly higher total (ties share a rank).
* **One at a time (±20%)**: each criterion's weight is multiplied by 0.8 and by 1.2 in turn, the
  weights renormalised, and the ranking redone.
* **Monte Carlo**: weight sets are drawn from a Dirichlet distribution centred on the chosen
  (normalised) weights, with a fixed seed so the same appraisal always gives the same answer; for
  each option we report how often it keeps its rank and the best and worst rank it reaches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

SCALE_MAX = 5
BENEFIT = "benefit"
COST = "cost"
SWING = 0.2
DRAWS = 2000
SEED = 20240501
# How tightly Monte Carlo weights cluster around the chosen ones: the Dirichlet's total
# concentration. 50 gives each weight a spread of roughly ±30% of its value for typical
# appraisals of five to eight criteria: wide enough to test the ranking, not so wide that the
# chosen weights stop mattering.
CONCENTRATION = 50.0
# Totals closer than this are a tie (float noise from renormalising must not split a tie).
TIE = 1e-9


@dataclass(frozen=True)
class CriterionInput:
    key: str
    weight: float
    direction: str = BENEFIT


@dataclass
class Ranking:
    """Totals and ranks of options (same order as the options passed in)."""

    options: list[str]
    totals: list[float]
    ranks: list[int]
    weights: dict[str, float]

    def rank_of(self, option: str) -> int:
        return self.ranks[self.options.index(option)]


@dataclass
class OneAtATime:
    criterion: str
    factor: float
    ranks: dict[str, int]
    changed: list[str]  # options whose rank differs from the base ranking


@dataclass
class MonteCarlo:
    draws: int
    seed: int
    kept_rank: dict[str, float]  # share of draws in which the option had its base rank
    top: dict[str, float]  # share of draws in which it ranked first (ties included)
    best_rank: dict[str, int]
    worst_rank: dict[str, int]


@dataclass
class Sensitivity:
    base: Ranking
    one_at_a_time: list[OneAtATime] = field(default_factory=list)
    monte_carlo: MonteCarlo | None = None

    @property
    def stable_one_at_a_time(self) -> bool:
        return not any(run.changed for run in self.one_at_a_time)


def normalise(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights scaled to add up to 1. Negative weights are an error; all zero is an error."""
    if any(value < 0 for value in weights.values()):
        raise ValueError("Weights cannot be negative.")
    total = float(sum(weights.values()))
    if total <= 0:
        raise ValueError("At least one criterion needs a weight above zero.")
    return {key: float(value) / total for key, value in weights.items()}


def _matrix(
    options: Sequence[str],
    criteria: Sequence[CriterionInput],
    scores: Mapping[tuple[str, str], float],
) -> np.ndarray:
    """Criteria × options, cost criteria inverted, missing scores 0 (after inversion: a missing
    score never helps an option)."""
    matrix = np.zeros((len(criteria), len(options)))
    for i, criterion in enumerate(criteria):
        for j, option in enumerate(options):
            score = scores.get((option, criterion.key))
            if score is None:
                continue
            score = float(score)
            matrix[i, j] = SCALE_MAX - score if criterion.direction == COST else score
    return matrix


def _ranks(totals: np.ndarray) -> np.ndarray:
    """Competition ranks along the last axis: 1 + how many totals are strictly higher."""
    higher = totals[..., None, :] > totals[..., :, None] + TIE
    return 1 + higher.sum(axis=-1)


def rank(
    options: Sequence[str],
    criteria: Sequence[CriterionInput],
    scores: Mapping[tuple[str, str], float],
    weights: Mapping[str, float] | None = None,
) -> Ranking:
    """Weighted totals and ranks. `weights` overrides the criteria's own weights."""
    raw = weights if weights is not None else {c.key: c.weight for c in criteria}
    normalised = normalise(raw)
    vector = np.array([normalised[c.key] for c in criteria])
    totals = vector @ _matrix(options, criteria, scores)
    return Ranking(
        options=list(options),
        totals=[float(t) for t in totals],
        ranks=[int(r) for r in _ranks(totals)],
        weights=normalised,
    )


def contributions(
    options: Sequence[str],
    criteria: Sequence[CriterionInput],
    scores: Mapping[tuple[str, str], float],
) -> dict[str, dict[str, float]]:
    """Weight by weight: what each criterion adds to each option's total, option → criterion →
    normalised weight × score (cost criteria inverted, missing scores 0). Each option's
    contributions add up to its weighted total."""
    normalised = normalise({c.key: c.weight for c in criteria})
    matrix = _matrix(options, criteria, scores)
    return {
        option: {c.key: float(normalised[c.key] * matrix[i, j]) for i, c in enumerate(criteria)}
        for j, option in enumerate(options)
    }


def one_at_a_time(
    options: Sequence[str],
    criteria: Sequence[CriterionInput],
    scores: Mapping[tuple[str, str], float],
    swing: float = SWING,
) -> list[OneAtATime]:
    """Each criterion's weight moved down and up by `swing` (20%), one at a time."""
    base = rank(options, criteria, scores)
    runs = []
    for criterion in criteria:
        if criterion.weight == 0:
            continue  # ±20% of nothing is nothing
        for factor in (1 - swing, 1 + swing):
            weights = {c.key: c.weight for c in criteria}
            weights[criterion.key] = criterion.weight * factor
            result = rank(options, criteria, scores, weights)
            ranks = dict(zip(result.options, result.ranks, strict=True))
            changed = [o for o in options if ranks[o] != base.rank_of(o)]
            runs.append(OneAtATime(criterion.key, round(factor, 6), ranks, changed))
    return runs


def monte_carlo(
    options: Sequence[str],
    criteria: Sequence[CriterionInput],
    scores: Mapping[tuple[str, str], float],
    draws: int = DRAWS,
    seed: int = SEED,
    concentration: float = CONCENTRATION,
) -> MonteCarlo:
    """Rank stability over `draws` weight sets from a Dirichlet centred on the chosen weights.
    Criteria weighted zero stay at zero (a Dirichlet parameter must be positive)."""
    base = rank(options, criteria, scores)
    active = [c for c in criteria if base.weights[c.key] > 0]
    alpha = np.array([base.weights[c.key] * concentration for c in active])
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(alpha, size=draws)  # draws × active criteria
    totals = weights @ _matrix(options, active, scores)  # draws × options
    ranks = _ranks(totals)
    base_ranks = np.array(base.ranks)
    return MonteCarlo(
        draws=draws,
        seed=seed,
        kept_rank={o: float((ranks[:, j] == base_ranks[j]).mean()) for j, o in enumerate(options)},
        top={o: float((ranks[:, j] == 1).mean()) for j, o in enumerate(options)},
        best_rank={o: int(ranks[:, j].min()) for j, o in enumerate(options)},
        worst_rank={o: int(ranks[:, j].max()) for j, o in enumerate(options)},
    )


def sensitivity(
    options: Sequence[str],
    criteria: Sequence[CriterionInput],
    scores: Mapping[tuple[str, str], float],
    draws: int = DRAWS,
    seed: int = SEED,
) -> Sensitivity:
    """The base ranking with both sensitivity analyses."""
    return Sensitivity(
        base=rank(options, criteria, scores),
        one_at_a_time=one_at_a_time(options, criteria, scores),
        monte_carlo=monte_carlo(options, criteria, scores, draws=draws, seed=seed)
        if options
        else None,
    )
