"""How employment outcomes move with the prevalence of health conditions across small areas.

For each outcome (a rate: people with the outcome per 100 in the area's population base) and
each condition (a prevalence: people on the GP register per 100 patients), a weighted least
squares regression across areas:

* **single-condition**: ``outcome rate = a + b × prevalence``; ``b`` is the slope, percentage
  points of the outcome rate for one percentage point more prevalence;
* **adjusted**: the same with every condition in one model, so each slope is "with the other
  conditions held level".

Areas are weighted by the outcome's population base, so a large area counts for more than a
small one. Standard errors are heteroskedasticity-robust (HC1), because how far an area's rate
strays from the line differs between areas for reasons the weights do not capture. p-values are
corrected for testing many conditions against one outcome by Holm's method, which controls the
chance of any false finding among them. The slope is also given relative to the average outcome
rate ("a one point rise in epilepsy prevalence goes with a 2.3% rise in the rate").

This is association across areas, not cause in people: areas with more of a condition differ in
many other ways, and what holds for areas need not hold for the people in them (the ecological
fallacy). No Django here: the product and the ``area_health`` command share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
import statsmodels.api as sm

ALPHA = 0.05
MIN_AREAS = 10  # fewer areas than this give no model at all
CAVEATS = [
    "This shows association across areas, not cause in people: areas with more of a condition "
    "differ in many other ways (age, deprivation, industry), and what holds for areas need not "
    "hold for the people who live in them.",
    "The adjusted slope holds the other conditions level. Conditions that go together (COPD and "
    "coronary heart disease, say) share what they explain, so an adjusted slope can be small or "
    "change sign while the single-condition slope is large.",
    "p-values are corrected for testing many conditions against one outcome (Holm's method); a "
    "finding is called significant when the corrected p-value is below 0.05.",
]


@dataclass(frozen=True)
class Term:
    """One condition's association with one outcome."""

    condition: str
    slope: float
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float
    r_squared: float
    relative_change: float  # the slope as a % of the average outcome rate
    adjusted_slope: float | None
    adjusted_ci_low: float | None
    adjusted_ci_high: float | None
    adjusted_p_adjusted: float | None
    n_areas: int

    @property
    def significant(self) -> bool:
        return self.p_adjusted < ALPHA

    @property
    def adjusted_significant(self) -> bool:
        return self.adjusted_p_adjusted is not None and self.adjusted_p_adjusted < ALPHA

    def as_json(self) -> dict:
        data = asdict(self)
        data["significant"] = self.significant
        data["adjusted_significant"] = self.adjusted_significant
        return data


@dataclass(frozen=True)
class OutcomeModel:
    outcome: str
    n_areas: int
    mean_rate: float  # population-weighted, in percent
    terms: list[Term]
    adjusted_r_squared: float | None
    adjusted_note: str

    def as_json(self) -> dict:
        return {
            "outcome": self.outcome,
            "n_areas": self.n_areas,
            "mean_rate": self.mean_rate,
            "adjusted_r_squared": self.adjusted_r_squared,
            "adjusted_note": self.adjusted_note,
            "terms": [term.as_json() for term in self.terms],
        }


class ModelError(ValueError):
    """The data cannot give a model; the message says why, for the person who asked."""


def _fit(y: np.ndarray, x: np.ndarray, w: np.ndarray):
    return sm.WLS(y, sm.add_constant(x, has_constant="add"), weights=w).fit(cov_type="HC1")


def _holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment. Written out rather than taken from statsmodels'
    ``multipletests``, which runs a full garbage collection on every call: over a page of
    models that cost more than all the fitting."""
    clean = [1.0 if not np.isfinite(p) else float(p) for p in p_values]
    order = sorted(range(len(clean)), key=clean.__getitem__)
    adjusted = [0.0] * len(clean)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(clean) - rank) * clean[index]))
        adjusted[index] = running
    return adjusted


def fit_outcome(
    outcome: str,
    rates: Mapping[str, float],
    weights: Mapping[str, float],
    prevalence: Mapping[str, Mapping[str, float]],
) -> OutcomeModel:
    """One outcome against every condition. ``rates`` and ``weights`` are by area code (rate in
    percent, weight the population base); ``prevalence`` is {condition: {area code: percent}}.
    Only areas with the outcome and every condition are used, so all models share one n."""
    conditions = sorted(prevalence)
    if not conditions:
        raise ModelError("There are no conditions to model.")
    areas = sorted(
        code
        for code in rates
        if weights.get(code, 0) > 0 and all(code in prevalence[c] for c in conditions)
    )
    if len(areas) < MIN_AREAS:
        raise ModelError(
            f"Only {len(areas)} areas have both “{outcome}” and every condition; a model needs "
            f"at least {MIN_AREAS}."
        )
    y = np.array([rates[a] for a in areas], dtype=float)
    w = np.array([weights[a] for a in areas], dtype=float)
    x = np.array([[prevalence[c][a] for c in conditions] for a in areas], dtype=float)
    mean_rate = float(np.average(y, weights=w))

    singles = []
    for j, _ in enumerate(conditions):
        column = x[:, j]
        if np.ptp(column) == 0:
            singles.append(None)  # a condition the same everywhere says nothing
            continue
        result = _fit(y, column, w)
        low, high = result.conf_int(alpha=ALPHA)[1]
        singles.append(
            (
                float(result.params[1]),
                float(low),
                float(high),
                float(result.pvalues[1]),
                float(result.rsquared),
            )
        )
    p_single = _holm([s[3] for s in singles if s is not None])

    adjusted, adjusted_r2, note = None, None, ""
    varying = [j for j, s in enumerate(singles) if s is not None]
    if len(areas) < len(varying) + MIN_AREAS:
        note = (
            f"No adjusted model: {len(varying)} conditions need at least "
            f"{len(varying) + MIN_AREAS} areas."
        )
    elif np.linalg.matrix_rank(sm.add_constant(x[:, varying])) < len(varying) + 1:
        note = "No adjusted model: some conditions are exact combinations of others."
    else:
        result = _fit(y, x[:, varying], w)
        ci = result.conf_int(alpha=ALPHA)
        p_adj = _holm([float(p) for p in result.pvalues[1:]])
        adjusted = {
            j: (float(result.params[k + 1]), float(ci[k + 1][0]), float(ci[k + 1][1]), p_adj[k])
            for k, j in enumerate(varying)
        }
        adjusted_r2 = float(result.rsquared)
        note = f"Adjusted for the other {len(varying) - 1} conditions."

    terms, k = [], 0
    for j, condition in enumerate(conditions):
        single = singles[j]
        if single is None:
            continue
        slope, low, high, p, r2 = single
        a = adjusted.get(j) if adjusted else None
        terms.append(
            Term(
                condition=condition,
                slope=slope,
                ci_low=low,
                ci_high=high,
                p_value=p,
                p_adjusted=p_single[k],
                r_squared=r2,
                relative_change=100 * slope / mean_rate if mean_rate else 0.0,
                adjusted_slope=a[0] if a else None,
                adjusted_ci_low=a[1] if a else None,
                adjusted_ci_high=a[2] if a else None,
                adjusted_p_adjusted=a[3] if a else None,
                n_areas=len(areas),
            )
        )
        k += 1
    return OutcomeModel(outcome, len(areas), mean_rate, terms, adjusted_r2, note)


def rates_from_counts(
    counts: Mapping[str, Mapping[str, tuple[int, int]]],
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """{measure: {area: (numerator, denominator)}} as ({measure: {area: percent}},
    {measure: {area: denominator}})."""
    rates, bases = {}, {}
    for measure, areas in counts.items():
        rates[measure] = {a: 100 * n / d for a, (n, d) in areas.items() if d > 0}
        bases[measure] = {a: float(d) for a, (n, d) in areas.items() if d > 0}
    return rates, bases


def fit_all(
    conditions: Mapping[str, Mapping[str, tuple[int, int]]],
    outcomes: Mapping[str, Mapping[str, tuple[int, int]]],
) -> tuple[list[OutcomeModel], dict[str, str]]:
    """Every outcome against every condition, from counts by measure and area. Returns the
    models and, for outcomes that could not be modelled, why."""
    prevalence, _ = rates_from_counts(conditions)
    rates, bases = rates_from_counts(outcomes)
    models, errors = [], {}
    for outcome in sorted(outcomes):
        try:
            models.append(fit_outcome(outcome, rates[outcome], bases[outcome], prevalence))
        except ModelError as error:
            errors[outcome] = str(error)
    return models, errors
