"""Supervised suggester on small synthetic data, with a fake embedder (no model)."""

import numpy as np
import pytest

from nlp.calibration import best_f1_threshold, shrunk_thresholds
from nlp.sentiment import SentimentClassifier, map_sentiment
from nlp.supervised import SupervisedConfig, SupervisedSuggester

from .conftest import make_corpus


def test_single_label_predicts_exactly_one_label(corpus, fake_embedder):
    texts, labels = corpus
    model = SupervisedSuggester(embedder=fake_embedder).fit(texts, labels)
    assert model.single_label_
    new_texts, new_labels = make_corpus(n_per_label=5, seed=7)
    predicted = model.predict(new_texts)
    assert all(len(row) == 1 for row in predicted)
    accuracy = np.mean([p == g for p, g in zip(predicted, new_labels, strict=True)])
    assert accuracy > 0.9
    probs = model.predict_proba(new_texts)
    assert probs.shape == (len(new_texts), 4)
    assert ((probs >= 0) & (probs <= 1)).all()


def test_multi_label_can_predict_two_labels_and_always_one(multi_corpus):
    texts, labels = multi_corpus
    model = SupervisedSuggester(use_embeddings=False).fit(texts, labels)
    assert not model.single_label_
    predicted = model.predict(["taxi driver late wait hours queue", "zzz qqq"])
    assert {"transport", "waiting"} <= set(predicted[0])
    assert len(predicted[1]) == 1  # nothing clears a threshold: the best label still comes


def test_suggest_gives_ranked_model_suggestions_with_abstention(corpus):
    texts, labels = corpus
    model = SupervisedSuggester(SupervisedConfig(confidence=0.99), use_embeddings=False)
    model.fit(texts, labels)
    (row,) = model.suggest(["nurse kind friendly"], top_k=3)
    assert len(row) == 3
    assert row[0].theme_key == "staff"
    assert row[0].source == "model"
    assert "p=" in row[0].reason
    assert [s.score for s in row] == sorted((s.score for s in row), reverse=True)
    (vague,) = model.suggest(["the and so"])
    assert all(s.abstain for s in vague)  # no topic word: nothing near 0.99
    relaxed = SupervisedSuggester(SupervisedConfig(confidence=0.0), use_embeddings=False)
    relaxed.fit(texts, labels)
    assert not relaxed.suggest(["nurse kind friendly"])[0][0].abstain


def test_tiny_training_sets_and_rare_labels_work():
    texts = ["tea and food", "food menu", "wait hours", "queue wait", "rare thing once"]
    labels = [["food"], ["food"], ["waiting"], ["waiting"], ["rare"]]
    model = SupervisedSuggester(use_embeddings=False).fit(texts, labels)
    assert model.predict(["wait in the queue"]) == [["waiting"]]
    assert model.thresholds_.shape == (3,)


def test_fit_rejects_unusable_training_data():
    with pytest.raises(ValueError):
        SupervisedSuggester(use_embeddings=False).fit([], [])
    with pytest.raises(ValueError):
        SupervisedSuggester(use_embeddings=False).fit(["a", "b"], [["x"], ["x"]])
    with pytest.raises(RuntimeError):
        SupervisedSuggester(use_embeddings=False).predict(["a"])


def test_update_adds_a_new_label_and_save_load_round_trips(corpus, fake_embedder, tmp_path):
    texts, labels = corpus
    model = SupervisedSuggester(embedder=fake_embedder).fit(texts, labels)
    extra = ["parking car park space"] * 3 + ["parking ticket fine"] * 3
    model.update(extra, [["parking"]] * 6)
    assert "parking" in model.labels_
    assert model.predict(["car park parking space"]) == [["parking"]]
    path = model.save(tmp_path / "model.joblib")
    loaded = SupervisedSuggester.load(path, embedder=fake_embedder)
    sample = ["nurse kind", "meal tea"]
    assert np.allclose(loaded.predict_proba(sample), model.predict_proba(sample))


def test_a_saved_suggester_keeps_none_of_the_texts_it_learned_from(corpus, tmp_path):
    import pickle

    import joblib

    texts, labels = corpus
    marker = "zebracrossing near the depot"
    model = SupervisedSuggester(use_embeddings=False).fit([*texts, marker], [*labels, ["food"]])
    path = model.save(tmp_path / "model.joblib")

    loaded = joblib.load(path)
    assert not loaded.holds_training_data
    assert marker.encode() not in pickle.dumps(loaded)
    assert model.holds_training_data  # the fitted object in memory is untouched
    with pytest.raises(ValueError, match="without its training data"):
        loaded.update(["more words here"], [["food"]])


def test_best_f1_threshold_is_exact():
    probs = np.array([0.9, 0.8, 0.7, 0.2, 0.1])
    y = np.array([1, 1, 0, 1, 0])
    cut, f1 = best_f1_threshold(probs, y)
    # Taking the top four: tp 3, fp 1, fn 0 → F1 6/7, better than the top two (F1 0.8).
    assert f1 == pytest.approx(6 / 7)
    assert 0.1 < cut < 0.2


def test_shrunk_thresholds_pull_rare_labels_to_the_global_cut():
    rng = np.random.default_rng(0)
    y = np.zeros((200, 2), dtype=int)
    y[:100, 0] = 1
    y[:3, 1] = 1
    probs = np.clip(y * 0.6 + rng.random((200, 2)) * 0.4, 0, 1)
    thresholds, global_cut = shrunk_thresholds(probs, y, min_positives=5)
    assert thresholds[1] == pytest.approx(global_cut)
    assert 0.05 <= thresholds[0] <= 0.9


def test_sentiment_mapping_and_classifier():
    assert [map_sentiment(v) for v in ("1", "2.0", "3", "4", "5", "positive", "x", "")] == [
        "positive",
        "positive",
        "neutral",
        "negative",
        "negative",
        "positive",
        None,
        None,
    ]
    texts = ["great kind lovely"] * 6 + ["awful rude late"] * 6 + ["it was ok fine"] * 6
    scores = ["1"] * 6 + ["5"] * 6 + ["3"] * 6
    model = SentimentClassifier(use_embeddings=False).fit(texts, scores)
    assert model.predict(["lovely and kind", "rude and awful"]) == ["positive", "negative"]
    assert set(model.predict_proba(["ok"])[0]) == {"negative", "neutral", "positive"}


def test_single_and_multi_label_data_get_their_own_regularisation(corpus, multi_corpus):
    config = SupervisedConfig(svm_c=0.7, class_weight=None, single_label_c=0.02)
    single = SupervisedSuggester(config, use_embeddings=False).fit(*corpus)
    multi = SupervisedSuggester(config, use_embeddings=False).fit(*multi_corpus)
    assert single._regularisation() == (0.02, "balanced")
    assert multi._regularisation() == (0.7, None)
    # Stronger regularisation gives smaller weights.
    assert np.abs(single._weights).max() < np.abs(multi._weights).max()


def test_sentiment_keeps_the_lighter_single_label_setting():
    from nlp.sentiment import SENTIMENT_CONFIG

    model = SentimentClassifier(use_embeddings=False)
    assert model._model.config is SENTIMENT_CONFIG
    assert SENTIMENT_CONFIG.single_label_c > SupervisedConfig().single_label_c


def test_worker_processes_give_exactly_the_single_process_model(multi_corpus, monkeypatch):
    import nlp.supervised

    texts, labels = multi_corpus
    alone = SupervisedSuggester(SupervisedConfig(n_jobs=1), use_embeddings=False)
    alone.fit(texts, labels)
    monkeypatch.setattr(nlp.supervised, "_PARALLEL_FROM_NONZEROS", 0)
    shared = SupervisedSuggester(SupervisedConfig(n_jobs=2), use_embeddings=False)
    shared.fit(texts, labels)
    assert np.array_equal(alone._weights, shared._weights)
    assert np.array_equal(alone.thresholds_, shared.thresholds_)


def test_three_folds_from_two_thousand_segments():
    model = SupervisedSuggester(use_embeddings=False)
    model.single_label_ = False
    assert len(model._folds(1999, [])) == 5
    assert len(model._folds(2000, [])) == 3
    assert len(model._folds(12, [])) == 3  # at least four segments per fold
    assert model._folds(7, []) == []
