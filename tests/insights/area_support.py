"""Synthetic small areas with a known relation between prevalence and outcomes."""

from __future__ import annotations

import numpy as np

from insights.services.area_io import AreaRow

PLACES = ["Liverpool", "Wirral", "Sefton", "Knowsley", "Halton", "St Helens", "Warrington"]


def synthetic_areas(
    n_areas: int = 400,
    conditions: dict[str, float] | None = None,
    seed: int = 0,
    noise: float = 0.6,
    base: float = 4.0,
    period: str = "2022-23",
) -> tuple[list[AreaRow], list[AreaRow], dict[str, float]]:
    """(condition rows, outcome rows, true slopes). Each area's inactivity rate (percent) is
    ``base + Σ slope × prevalence + noise``; unemployment depends on nothing. Area names follow
    the ONS convention ("Liverpool 001A") so they roll up to Places."""
    conditions = conditions or {"Epilepsy": 2.0, "Depression": 0.3, "Asthma": 0.0}
    rng = np.random.default_rng(seed)
    condition_rows, outcome_rows = [], []
    centres = {"Epilepsy": 0.9, "Depression": 13.0, "Asthma": 6.5}
    for index in range(n_areas):
        place = PLACES[index % len(PLACES)]
        code = f"E01{900000 + index:06d}"
        name = f"{place} {index // len(PLACES) + 1:03d}{'ABCD'[index % 4]}"
        list_size = int(rng.integers(1500, 4000))
        rate = base
        for condition, slope in conditions.items():
            centre = centres.get(condition, 3.0)
            prevalence = max(0.05, rng.normal(centre, centre * 0.25))
            register = round(list_size * prevalence / 100)
            condition_rows.append(AreaRow(code, name, condition, register, list_size, period))
            rate += slope * 100 * register / list_size
        population = int(rng.integers(1200, 2500))
        rate = min(95.0, max(0.5, rate + rng.normal(0, noise)))
        inactive = round(population * rate / 100)
        unemployed = int(rng.binomial(population, 0.04))
        outcome_rows.append(
            AreaRow(code, name, "Inactive: long-term sick", inactive, population, "2021")
        )
        outcome_rows.append(AreaRow(code, name, "Unemployed", unemployed, population, "2021"))
    return condition_rows, outcome_rows, conditions
