"""The simulated reviewer and the strategies for choosing what people review next."""

import json

import numpy as np
import pytest

from nlp import active
from nlp.active import PoolState, ThemeHint, strategy, with_priors
from nlp.cli import main
from nlp.simulate import Oracle, simulate
from nlp.supervised import SupervisedSuggester

from .conftest import TOPIC_WORDS, FakeEmbedder, make_corpus
from .test_cli import write_csv

STRATEGY_NAMES = sorted(active.STRATEGIES)


@pytest.fixture(scope="module")
def pool_and_test():
    texts, labels = make_corpus(n_per_label=30, seed=4)
    embedder = FakeEmbedder()
    vectors = embedder.encode(texts)
    return {
        "pool": (texts[::2], labels[::2], vectors[::2]),
        "test": (texts[1::2], labels[1::2], vectors[1::2]),
        "embedder": embedder,
    }


def _hints(embedder):
    return [
        ThemeHint(key, embedder.encode([" ".join(words)])[0], f"{key}: {' '.join(words)}")
        for key, words in TOPIC_WORDS.items()
    ]


def _run(data, choose, *, seed=0, budget=40, oracle=None, **kwargs):
    texts, labels, vectors = data["pool"]
    t_texts, t_labels, t_vectors = data["test"]
    return simulate(
        texts,
        vectors,
        oracle or Oracle(labels),
        t_texts,
        t_vectors,
        t_labels,
        choose,
        lambda: SupervisedSuggester(embedder=data["embedder"], use_embeddings=False),
        start=10,
        budget=budget,
        step=10,
        seed=seed,
        **kwargs,
    )


class PickRecordingOracle(Oracle):
    """Fails the moment the loop asks for a label of a row the strategy has not picked."""

    def __init__(self, labels, picked: list[int]):
        super().__init__(labels)
        self.picked = picked

    def reveal(self, rows):
        not_picked = set(rows) - set(self.picked)
        assert not not_picked, f"labels of unpicked rows revealed: {sorted(not_picked)}"
        return super().reveal(rows)


@pytest.mark.parametrize("name", STRATEGY_NAMES)
def test_labels_are_revealed_only_for_rows_the_strategy_picked(pool_and_test, name):
    picked: list[int] = []
    seen_by_strategy: list[dict] = []
    inner = strategy(name)

    def recording(state, k, rng):
        # What the strategy can see: exactly the labels of the rows coded so far.
        seen_by_strategy.append(dict(zip(state.coded, state.coded_labels, strict=True)))
        picks = inner(state, k, rng)
        picked.extend(p.index for p in picks)
        return picks

    labels = pool_and_test["pool"][1]
    oracle = PickRecordingOracle(labels, picked)
    result = _run(pool_and_test, recording, oracle=oracle, themes=_hints(pool_and_test["embedder"]))
    assert oracle.revealed == picked == result.coded
    assert len(result.coded) == 40 and len(set(result.coded)) == 40
    for view in seen_by_strategy:
        assert set(view) <= set(picked)
        assert all(view[i] == labels[i] for i in view)
    assert [s.n_coded for s in result.steps] == [10, 20, 30, 40]


def test_a_strategy_state_holds_no_label_of_an_uncoded_row(pool_and_test):
    texts, labels, _vectors = pool_and_test["pool"]
    views = []

    def spy(state, k, rng):
        # Everything the state holds that could carry labels, as it is when the strategy runs.
        label_like = [
            value
            for value in vars(state).values()
            if isinstance(value, list) and value and isinstance(value[0], list)
        ]
        views.append((state.uncoded().tolist(), [list(v) for v in label_like], list(state.coded)))
        return strategy("random")(state, k, rng)

    _run(pool_and_test, spy, budget=30)
    for uncoded, label_like, coded in views:
        assert len(uncoded) == len(texts) - len(coded)
        for value in label_like:  # only the coded rows' labels, in the order they were coded
            assert value == [labels[i] for i in coded]


def test_the_loop_refuses_a_strategy_that_picks_a_coded_row_again(pool_and_test):
    def repeats(state, k, rng):
        return [active.Pick(i, "again") for i in range(k)]

    with pytest.raises(ValueError, match="coded row"):
        _run(pool_and_test, repeats, budget=20)


@pytest.mark.parametrize("name", STRATEGY_NAMES)
def test_strategies_are_deterministic_for_a_seed(pool_and_test, name):
    hints = _hints(pool_and_test["embedder"])
    first = _run(pool_and_test, strategy(name), seed=3, themes=hints)
    again = _run(pool_and_test, strategy(name), seed=3, themes=hints)
    other = _run(pool_and_test, strategy(name), seed=4, themes=hints)
    assert first.coded == again.coded
    assert [s.macro_f1 for s in first.steps] == [s.macro_f1 for s in again.steps]
    assert first.coded != other.coded


def test_useful_first_batch_spreads_over_the_pool_and_seeks_each_theme(pool_and_test):
    texts, labels, vectors = pool_and_test["pool"]
    state = PoolState(texts=texts, vectors=vectors, themes=_hints(pool_and_test["embedder"]))
    picks = strategy("useful")(state, 8, np.random.default_rng(0))
    themes = {label for p in picks for label in labels[p.index]}
    assert themes == set(TOPIC_WORDS)  # a random 8 of 4 topics would often miss one
    assert any("has no codes yet" in p.reason for p in picks)


def test_queue_strategy_takes_the_lowest_best_probability_first():
    probabilities = np.array([[0.9, 0.1], [0.2, 0.3], [0.6, 0.5], [0.35, 0.1]])
    state = PoolState(
        texts=["a", "b", "c", "d"],
        vectors=np.eye(4, dtype=np.float32),
        coded=[0],
        coded_labels=[["x"]],
        probabilities=probabilities,
        thresholds=np.array([0.5, 0.5]),
        model_labels=["x", "y"],
    )
    picks = strategy("queue")(state, 2, np.random.default_rng(0))
    assert [p.index for p in picks] == [1, 3]
    assert "30%" in picks[0].reason


def test_rare_themes_are_searched_for_with_their_words_then_their_codes():
    vectors = np.eye(4, dtype=np.float32)
    hint = ThemeHint("rare", vectors[2], "rare: a theme")
    state = PoolState(
        texts=["a", "b", "c", "d"],
        vectors=vectors,
        coded=[0],
        coded_labels=[["common"]],
        themes=[hint],
    )
    picks = active._rare_theme_picks(state, state.uncoded(), 1)
    assert [p.index for p in picks] == [2]
    assert "“rare”" in picks[0].reason and "no codes yet" in picks[0].reason


def test_priors_add_a_themes_words_until_it_has_enough_codes():
    hints = [ThemeHint("a", np.ones(2, dtype=np.float32), "A: about a"), ThemeHint("b", np.ones(2))]
    labels = [["a"]] * active.PRIOR_UNTIL + [["b"]]
    texts, out_labels, vectors = with_priors(
        ["t"] * len(labels), labels, np.zeros((len(labels), 2), dtype=np.float32), hints
    )
    assert texts[-1] == "b" and out_labels[-1] == ["b"]  # no description: its key stands in
    assert len(texts) == len(labels) + 1 and vectors.shape == (len(labels) + 1, 2)
    assert "A: about a" not in texts  # "a" has enough codes of its own


def test_unknown_strategy_names_the_known_ones():
    with pytest.raises(ValueError, match="known: random, queue, useful, best"):
        strategy("clever")
    assert strategy("best") is active.STRATEGIES[active.BEST]


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def pool_test_files(tmp_path):
    texts, labels = make_corpus(n_per_label=20, seed=5, multi=True)
    rows = [
        (f"r{i}", t, "|".join(lab)) for i, (t, lab) in enumerate(zip(texts, labels, strict=True))
    ]
    pool = write_csv(tmp_path / "pool.csv", ["id", "text", "labels"], rows[::2])
    test = write_csv(tmp_path / "test.csv", ["id", "text", "labels"], rows[1::2])
    codebook = write_csv(
        tmp_path / "codebook.csv",
        ["label", "definition"],
        [(key, " ".join(words)) for key, words in TOPIC_WORDS.items()],
    )
    return pool, test, codebook, len(rows[1::2])


def test_simulate_json_steps_and_predictions(pool_test_files, tmp_path, capsys):
    pool, test, codebook, n_test = pool_test_files
    out = tmp_path / "predictions.csv"
    argv = ["simulate", "--pool", str(pool), "--test", str(test), "--codebook", str(codebook)]
    argv += ["--start", "10", "--step", "15", "--budget", "40", "--no-embeddings", "--json"]
    assert main([*argv, "--predictions", str(out)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["strategy"] == "best" and result["strategy_used"] == active.BEST
    assert result["priors"] is True
    assert [s["n_coded"] for s in result["steps"]] == [10, 25, 40]
    last = result["steps"][-1]
    assert sum(last["labels_seen"].values()) >= 40
    assert 0 < last["macro_f1"] <= 1 and last["seconds"] >= 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,labels" and len(lines) == n_test + 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--budget", "100000"], "more than the"),
        (["--start", "0"], "--start must be at least 1"),
        (["--start", "60", "--budget", "50"], "is more than --budget"),
        (["--priors", "on"], "--priors on needs --codebook"),
        (["--predictions", "/no/such/folder/out.csv"], "folder does not exist"),
        (["--label-column", "topic"], "no column 'topic'"),
    ],
)
def test_simulate_errors_are_one_line_and_non_zero(pool_test_files, extra, message, capsys):
    pool, test, _codebook, _n = pool_test_files
    argv = ["simulate", "--pool", str(pool), "--test", str(test), "--no-embeddings", *extra]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_simulate_missing_pool_file(tmp_path, capsys):
    code = main(["simulate", "--pool", str(tmp_path / "nope.csv"), "--test", str(tmp_path)])
    assert code == 1
    assert "--pool: file not found" in capsys.readouterr().err
