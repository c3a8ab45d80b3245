"""The area model recovers relations it is given, and says plainly when it cannot fit one."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from insights.services.area_io import counts_by_measure
from insights.services.area_model import MIN_AREAS, ModelError, _holm, fit_all, fit_outcome

from .area_support import synthetic_areas


def _models(**kwargs):
    conditions, outcomes, truth = synthetic_areas(**kwargs)
    models, errors = fit_all(counts_by_measure(conditions), counts_by_measure(outcomes))
    assert not errors
    return {m.outcome: m for m in models}, truth


def test_a_known_slope_is_recovered_with_an_interval_around_it():
    models, truth = _models(n_areas=600, seed=3)
    inactive = {t.condition: t for t in models["Inactive: long-term sick"].terms}
    epilepsy = inactive["Epilepsy"]
    # Epilepsy varies independently of the other conditions here, so its single-condition and
    # adjusted slopes both estimate the true 2.0 points per point.
    assert epilepsy.ci_low < truth["Epilepsy"] < epilepsy.ci_high
    assert epilepsy.adjusted_ci_low < truth["Epilepsy"] < epilepsy.adjusted_ci_high
    assert abs(epilepsy.slope - 2.0) < 0.5 and epilepsy.ci_high - epilepsy.ci_low < 1.2
    assert epilepsy.significant and epilepsy.adjusted_significant
    assert inactive["Depression"].ci_low < 0.3 < inactive["Depression"].ci_high
    # A condition with no effect is not called significant, and its interval spans zero.
    asthma = inactive["Asthma"]
    assert not asthma.significant and asthma.ci_low < 0 < asthma.ci_high
    # Unemployment was drawn with no relation to any condition.
    assert not any(t.significant for t in models["Unemployed"].terms)
    assert epilepsy.n_areas == 600 and models["Unemployed"].n_areas == 600


def test_the_slope_is_also_given_relative_to_the_average_rate():
    models, _ = _models(seed=1)
    model = models["Inactive: long-term sick"]
    term = next(t for t in model.terms if t.condition == "Epilepsy")
    assert term.relative_change == pytest.approx(100 * term.slope / model.mean_rate)
    assert 0 < model.adjusted_r_squared <= 1


def test_intervals_cover_the_true_slope_about_95_times_in_100():
    covered = 0
    for seed in range(60):
        models, truth = _models(n_areas=250, seed=seed, noise=0.8)
        term = next(
            t for t in models["Inactive: long-term sick"].terms if t.condition == "Epilepsy"
        )
        covered += term.adjusted_ci_low < truth["Epilepsy"] < term.adjusted_ci_high
    assert 51 <= covered <= 60  # 95% of 60 is 57; the binomial spread allows a few either way


def test_corrected_p_values_are_never_smaller_than_the_raw_ones():
    models, _ = _models(seed=5)
    for model in models.values():
        for term in model.terms:
            assert term.p_adjusted >= term.p_value - 1e-12


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30))
def test_holm_agrees_with_statsmodels(p_values):
    expected = multipletests(p_values, method="holm")[1]
    assert _holm(p_values) == pytest.approx(list(expected), abs=1e-12)


def test_too_few_areas_is_refused_with_a_reason():
    rates = {f"E01{i:06d}": 5.0 + i for i in range(MIN_AREAS - 1)}
    with pytest.raises(ModelError, match="at least 10"):
        fit_outcome("Unemployed", rates, dict.fromkeys(rates, 100.0), {"Asthma": rates})


def test_a_condition_the_same_everywhere_is_left_out_and_too_many_conditions_skip_adjusting():
    rng = np.random.default_rng(0)
    areas = [f"E01{i:06d}" for i in range(14)]
    rates = {a: float(rng.normal(5, 1)) for a in areas}
    prevalence = {f"C{j}": {a: float(rng.normal(3, 1)) for a in areas} for j in range(6)}
    prevalence["Flat"] = dict.fromkeys(areas, 2.0)
    model = fit_outcome("Unemployed", rates, dict.fromkeys(areas, 500.0), prevalence)
    assert "Flat" not in {t.condition for t in model.terms}
    assert model.adjusted_r_squared is None and "need at least 16 areas" in model.adjusted_note
    assert all(t.adjusted_slope is None for t in model.terms)


def test_only_areas_with_every_measure_are_used():
    conditions, outcomes, _ = synthetic_areas(n_areas=50)
    counts = counts_by_measure(conditions)
    dropped = sorted(counts["Asthma"])[:5]
    for area in dropped:
        del counts["Asthma"][area]
    models, _ = fit_all(counts, counts_by_measure(outcomes))
    assert {m.n_areas for m in models} == {45}
