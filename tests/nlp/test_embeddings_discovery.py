"""Embedding cache, the real MiniLM model (one test) and topic discovery."""

import numpy as np
import pytest

from nlp.cli.bench import synthetic_embeddings, synthetic_texts
from nlp.discovery import discover, min_topic_size_for
from nlp.embeddings import MODEL_NAME, Embedder, EmbeddingCache, text_key


def test_cache_round_trips_and_merges_shards(tmp_path):
    cache = EmbeddingCache(tmp_path, dimension=4)
    for i in range(20):
        cache.put([f"k{i}"], np.full((1, 4), i, dtype=np.float32))
        cache.flush()
    assert len(list(tmp_path.glob("emb-*.npz"))) <= 17
    fresh = EmbeddingCache(tmp_path, dimension=4)
    got = fresh.get(["k3", "k19", "missing"])
    assert got[0].tolist() == [3, 3, 3, 3]
    assert got[1].tolist() == [19, 19, 19, 19]
    assert got[2] is None


def test_text_key_depends_on_model_and_text():
    assert text_key(MODEL_NAME, "a") != text_key(MODEL_NAME, "b")
    assert text_key("other", "a") != text_key(MODEL_NAME, "a")
    assert len(text_key(MODEL_NAME, "a")) == 64


def test_minilm_encodes_offline_normalised_and_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    texts = ["The nurse was very kind.", "The nurse was kind.", "My taxi never came."]
    vectors = Embedder(cache_dir=tmp_path).encode(texts)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert list(tmp_path.glob("emb-*.npz"))
    again = Embedder(cache_dir=tmp_path)
    again_vectors = again.encode(texts)
    assert np.allclose(again_vectors, vectors)


def test_min_topic_size_scales_with_data():
    assert min_topic_size_for(100) == 5
    assert min_topic_size_for(4000) == 20
    assert min_topic_size_for(100_000) == 100


def test_discovery_is_reproducible_and_scores_against_labels():
    texts, topics = synthetic_texts(300, seed=3)
    embeddings = synthetic_embeddings(300, topics, seed=3)
    first = discover(texts, embeddings, labels=topics, min_topic_size=10)
    second = discover(texts, embeddings, labels=topics, min_topic_size=10)
    assert first.assignments == second.assignments
    assert len(first.themes) >= 2
    assert first.nmi is not None and first.nmi > 0.5
    assert first.ari is not None
    top = first.themes[0]
    assert top.size >= 10 and top.key_terms and len(top.representative_quotes) <= 3
    with pytest.raises(ValueError):
        discover(texts[:5], embeddings[:5])
