"""Scores checked against values worked out by hand."""

import pytest

from nlp.metrics import (
    bootstrap_ci,
    cohens_kappa,
    kappa_per_theme,
    krippendorff_alpha,
    multilabel_report,
)


def test_multilabel_report_hand_computed():
    gold = [["a"], ["a", "b"], ["b"], ["c"]]
    pred = [["a"], ["a"], ["a", "b"], []]
    r = multilabel_report(gold, pred)
    # a: tp 2 fp 1 fn 0; b: tp 1 fp 0 fn 1; c: tp 0 fp 0 fn 1.
    assert r.per_label["a"].precision == pytest.approx(2 / 3)
    assert r.per_label["a"].recall == 1.0
    assert r.per_label["b"].f1 == pytest.approx(2 / 3)
    assert r.per_label["c"].f1 == 0.0
    assert r.per_label["c"].support == 1
    # micro: tp 3, fp 1, fn 2 → P 3/4, R 3/5, F1 2/3.
    assert r.micro_precision == pytest.approx(0.75)
    assert r.micro_recall == pytest.approx(0.6)
    assert r.micro_f1 == pytest.approx(2 / 3)
    assert r.macro_f1 == pytest.approx((0.8 + 2 / 3 + 0) / 3)
    assert set(r.as_dict()["per_label"]["a"]) == {"precision", "recall", "f1", "support"}


def test_multilabel_report_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        multilabel_report([["a"]], [])


def test_cohens_kappa_hand_computed():
    # 10 items: agree on 4 yes and 3 no; observed 0.7; expected 0.5*0.6 + 0.5*0.4 = 0.5.
    a = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    b = [1, 1, 1, 1, 0, 0, 0, 0, 1, 1]
    assert cohens_kappa(a, b) == pytest.approx((0.7 - 0.5) / 0.5)
    assert cohens_kappa(a, a) == 1.0


def test_kappa_per_theme_treats_each_theme_as_binary():
    coder_a = [["x"], ["x", "y"], [], ["y"]]
    coder_b = [["x"], ["x"], [], ["y"]]
    kappas = kappa_per_theme(coder_a, coder_b)
    assert kappas["x"] == 1.0
    # y: a = [0,1,0,1], b = [0,0,0,1]; po 0.75, pe 0.5*0.25+0.5*0.75 = 0.5.
    assert kappas["y"] == pytest.approx(0.5)


def test_krippendorff_alpha_small_hand_worked_example():
    # Two coders, three units: (a,a), (a,b), (b,b). Coincidences: o_aa 2, o_ab 1, o_ba 1,
    # o_bb 2; n_a = n_b = 3, n = 6. alpha = 1 - (n-1) * 2 / (2 * 3 * 3) = 1 - 10/18.
    units = [("a", "a"), ("a", "b"), ("b", "b")]
    assert krippendorff_alpha(units) == pytest.approx(1 - 10 / 18)


def test_krippendorff_alpha_textbook_example_with_missing_values():
    # Krippendorff's reliability data example: 4 coders, 12 units, nominal alpha 0.743.
    n = None
    a = [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n]
    b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3]
    c = [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n]
    d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n]
    assert krippendorff_alpha(list(zip(a, b, c, d, strict=True))) == pytest.approx(0.743, abs=1e-3)


def test_krippendorff_alpha_perfect_and_unpairable():
    assert krippendorff_alpha([("a", "a"), ("b", "b")]) == 1.0
    with pytest.raises(ValueError):
        krippendorff_alpha([("a", None), (None, "b")])


def test_bootstrap_ci_is_seeded_and_brackets_the_estimate():
    gold = [["a"], ["b"], ["a"], ["b"]] * 10
    pred = [["a"], ["a"], ["a"], ["b"]] * 10

    def micro(g, p):
        return multilabel_report(g, p).micro_f1

    first = bootstrap_ci(micro, gold, pred, n_resamples=200, seed=3)
    again = bootstrap_ci(micro, gold, pred, n_resamples=200, seed=3)
    assert first == again
    estimate, low, high = first
    assert estimate == pytest.approx(0.75)
    assert low <= estimate <= high
    assert high - low > 0
