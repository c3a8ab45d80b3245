"""Options appraisal arithmetic, against numbers worked out by hand."""

import pytest

from insights.services.appraisal import (
    CriterionInput,
    monte_carlo,
    normalise,
    one_at_a_time,
    rank,
    sensitivity,
)

# Two options, two criteria. "cost" is a cost-direction criterion: a score s counts as 5 - s.
#             need (benefit)   cost (cost)   cost inverted
#   A               4               2              3
#   B               3               0              5
SCORES = {("A", "need"): 4, ("A", "cost"): 2, ("B", "need"): 3, ("B", "cost"): 0}


def criteria(need=3.0, cost=1.0):
    return [CriterionInput("need", need), CriterionInput("cost", cost, "cost")]


def test_normalise_scales_weights_to_one_and_rejects_nonsense():
    assert normalise({"a": 3, "b": 1}) == {"a": 0.75, "b": 0.25}
    with pytest.raises(ValueError):
        normalise({"a": 0, "b": 0})
    with pytest.raises(ValueError):
        normalise({"a": -1, "b": 2})


def test_weighted_totals_invert_cost_criteria():
    result = rank(["A", "B"], criteria(), SCORES)
    # A: 0.75 × 4 + 0.25 × (5 - 2) = 3.75;  B: 0.75 × 3 + 0.25 × (5 - 0) = 3.5
    assert result.totals == pytest.approx([3.75, 3.5])
    assert result.ranks == [1, 2]
    assert result.weights == {"need": 0.75, "cost": 0.25}


def test_ties_share_a_rank_and_missing_scores_count_as_nothing():
    scores = {("A", "need"): 2, ("B", "need"): 2, ("C", "need"): 1}
    result = rank(["A", "B", "C"], [CriterionInput("need", 1)], scores)
    assert result.ranks == [1, 1, 3]
    # A missing score on a cost criterion must not count as the best possible (5 - 0).
    result = rank(["A", "B"], criteria(), {("A", "need"): 3, ("B", "need"): 3, ("B", "cost"): 1})
    assert result.totals == pytest.approx([2.25, 2.25 + 0.25 * 4])


def test_plus_minus_twenty_percent_finds_the_swings_that_change_the_order():
    # need 2.2, cost 1: w_need = 0.6875, so A - B = w_need - 2 w_cost = 0.0625: A first, narrowly.
    runs = one_at_a_time(["A", "B"], criteria(need=2.2, cost=1.0), SCORES)
    by_swing = {(run.criterion, run.factor): run for run in runs}
    assert len(runs) == 4
    # need × 0.8 = 1.76: w_need = 1.76 / 2.76 = 0.6377 < 2/3, so B overtakes A.
    assert by_swing[("need", 0.8)].ranks == {"A": 2, "B": 1}
    assert by_swing[("need", 0.8)].changed == ["A", "B"]
    # need × 1.2 = 2.64: w_need = 0.7253, A stays first.
    assert by_swing[("need", 1.2)].changed == []
    # cost × 1.2: w_need = 2.2 / 3.4 = 0.6471 < 2/3: B first.  cost × 0.8: w_need = 0.7333: A.
    assert by_swing[("cost", 1.2)].ranks == {"A": 2, "B": 1}
    assert by_swing[("cost", 0.8)].changed == []


def test_clear_winner_is_stable_everywhere():
    result = sensitivity(["A", "B"], criteria(need=3.0, cost=1.0), SCORES, draws=500)
    assert result.stable_one_at_a_time
    dominant = {("A", "need"): 5, ("A", "cost"): 0, ("B", "need"): 1, ("B", "cost"): 5}
    mc = monte_carlo(["A", "B"], criteria(), dominant, draws=300)
    assert mc.kept_rank == {"A": 1.0, "B": 1.0}
    assert mc.best_rank == {"A": 1, "B": 2} and mc.worst_rank == {"A": 1, "B": 2}


def test_monte_carlo_is_reproducible_with_its_seed():
    args = (["A", "B"], criteria(need=2.2, cost=1.0), SCORES)
    first = monte_carlo(*args, draws=2000, seed=7)
    again = monte_carlo(*args, draws=2000, seed=7)
    other = monte_carlo(*args, draws=2000, seed=8)
    assert first == again
    assert first.kept_rank != other.kept_rank
    # A narrow lead: A keeps first place in most draws but not all, and both ranks are reached.
    assert 0.5 < first.kept_rank["A"] < 1.0
    assert first.kept_rank["A"] == pytest.approx(first.top["A"])
    assert (first.best_rank["A"], first.worst_rank["A"]) == (1, 2)


def test_zero_weight_criteria_are_left_out_of_the_draws():
    mc = monte_carlo(["A", "B"], criteria(need=1.0, cost=0.0), SCORES, draws=100)
    # Only "need" counts: A (4) always beats B (3).
    assert mc.kept_rank == {"A": 1.0, "B": 1.0}


def test_contributions_split_each_total_weight_by_weight():
    from insights.services.appraisal import contributions

    parts = contributions(["A", "B"], criteria(), SCORES)
    # A: need 0.75 × 4 = 3.0, cost 0.25 × (5 - 2) = 0.75 → 3.75
    # B: need 0.75 × 3 = 2.25, cost 0.25 × (5 - 0) = 1.25 → 3.5
    assert parts["A"] == pytest.approx({"need": 3.0, "cost": 0.75})
    assert parts["B"] == pytest.approx({"need": 2.25, "cost": 1.25})
    assert sum(parts["A"].values()) == pytest.approx(rank(["A", "B"], criteria(), SCORES).totals[0])
