"""Inductive theme discovery: cluster segments into candidate themes with BERTopic.

Runs on precomputed (cached) embeddings with ``embedding_model=None`` so BERTopic never reaches
for a model of its own; UMAP and HDBSCAN are seeded so the same input gives the same topics.
Optional seed topics from a codebook's key phrases guide the clustering towards known themes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class CandidateTheme:
    """A discovered topic, described for a person deciding whether it is a new theme."""

    topic_id: int
    label: str
    key_terms: list[str]
    size: int
    representative_quotes: list[str]
    nearest_codebook_themes: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class DiscoveryResult:
    """Candidate themes, each segment's topic (-1 = outlier) and, given labels, NMI and ARI."""

    themes: list[CandidateTheme]
    assignments: list[int]
    n_outliers: int
    nmi: float | None = None
    ari: float | None = None


def min_topic_size_for(n: int) -> int:
    """A topic must hold about 0.5% of the segments, and at least 5 (at most 100)."""
    return int(min(100, max(5, round(n * 0.005))))


def _seed_topics(codebook) -> list[list[str]] | None:
    if codebook is None:
        return None
    seeds = [[p.lower() for p in t.key_phrases] for t in codebook.leaves() if t.key_phrases]
    return seeds or None


# Contractions ("I'm", "don’t", "people's") are dropped before counting terms: their fragments
# ("im", "ive", "dont") otherwise become a topic's key terms, and they say nothing about it.
_CONTRACTION = re.compile(
    r"\b(?:i|you|we|they|he|she|it|that|there|here|what|who|where|how|let)['’](?:m|re|ve|ll|d|s)\b"
    r"|\b\w+n['’]t\b|['’]s\b",
    re.IGNORECASE,
)
# The same words typed without an apostrophe. "ill" and "id" are left alone: "ill health" and an
# ID card are things people talk about.
CONTRACTION_STOP_WORDS = frozenset(
    [
        "im",
        "ive",
        "youre",
        "youve",
        "weve",
        "theyre",
        "theyve",
        "hes",
        "shes",
        "thats",
        "theres",
        "whats",
        "dont",
        "doesnt",
        "didnt",
        "cant",
        "couldnt",
        "wont",
        "wouldnt",
        "isnt",
        "wasnt",
        "arent",
        "werent",
        "havent",
        "hasnt",
        "hadnt",
        "shouldnt",
        "aint",
        "gonna",
        "wanna",
        "youll",
        "theyll",
        "itll",
    ]
)


def key_term_text(text: str) -> str:
    """A text as key terms are counted from it: lower case, contractions taken out."""
    return _CONTRACTION.sub(" ", text.lower())


def key_term_vectorizer(n: int):
    """Counts the words and two-word phrases that describe topics, for ``n`` texts."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    return CountVectorizer(
        preprocessor=key_term_text,
        stop_words=sorted(ENGLISH_STOP_WORDS | CONTRACTION_STOP_WORDS),
        ngram_range=(1, 2),
        min_df=min(2, max(1, n // 100)),
    )


def discover(
    texts: Sequence[str],
    embeddings: np.ndarray,
    *,
    labels: Sequence[str] | None = None,
    codebook=None,
    codebook_vectors: np.ndarray | None = None,
    min_topic_size: int | None = None,
    n_quotes: int = 3,
    n_terms: int = 8,
    seed: int = 42,
) -> DiscoveryResult:
    """Cluster ``texts`` (with their normalised ``embeddings``) into candidate themes.

    ``codebook`` (optional) seeds the topics with its key phrases; with ``codebook_vectors``
    (one row per leaf theme, e.g. embedded descriptions) each candidate also lists the codebook
    themes nearest to it. ``labels`` (one per text) adds NMI and ARI against them.
    """
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    texts = [str(t) for t in texts]
    embeddings = np.asarray(embeddings, dtype=np.float32)
    n = len(texts)
    if n < 10:
        raise ValueError("topic discovery needs at least 10 segments")
    if len(embeddings) != n:
        raise ValueError("embeddings and texts differ in length")
    size = min_topic_size or min_topic_size_for(n)
    umap_model = UMAP(
        n_neighbors=min(15, n - 1),
        n_components=5,
        min_dist=0.0,
        metric="cosine",
        random_state=seed,
        low_memory=True,
    )
    hdbscan_model = HDBSCAN(
        min_cluster_size=size, metric="euclidean", cluster_selection_method="eom"
    )
    vectorizer = key_term_vectorizer(n)
    topic_model = BERTopic(
        embedding_model=None,
        umap_model=umap_model,
        hdbscan_model=hdbscan_model,
        vectorizer_model=vectorizer,
        min_topic_size=size,
        calculate_probabilities=False,
        seed_topic_list=_seed_topics(codebook),
        verbose=False,
    )
    topics, _ = topic_model.fit_transform(texts, embeddings=embeddings)
    topics = [int(t) for t in topics]
    themes = _describe(topic_model, texts, embeddings, topics, n_quotes, n_terms)
    if codebook is not None and codebook_vectors is not None:
        _attach_nearest(themes, texts, embeddings, topics, codebook, codebook_vectors)
    result = DiscoveryResult(themes, topics, sum(t == -1 for t in topics))
    if labels is not None:
        from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

        result.nmi = float(normalized_mutual_info_score(labels, topics))
        result.ari = float(adjusted_rand_score(labels, topics))
    return result


def _describe(topic_model, texts, embeddings, topics, n_quotes, n_terms) -> list[CandidateTheme]:
    topics_arr = np.asarray(topics)
    themes = []
    for topic_id in sorted(set(topics) - {-1}):
        members = np.flatnonzero(topics_arr == topic_id)
        terms = [w for w, _ in (topic_model.get_topic(topic_id) or [])][:n_terms]
        # Representative quotes: the members closest to the topic's centroid.
        centroid = embeddings[members].mean(axis=0)
        closest = members[np.argsort(-(embeddings[members] @ centroid))][:n_quotes]
        themes.append(
            CandidateTheme(
                topic_id=topic_id,
                label=", ".join(terms[:3]) or f"topic {topic_id}",
                key_terms=terms,
                size=len(members),
                representative_quotes=[texts[i] for i in closest],
            )
        )
    themes.sort(key=lambda t: -t.size)
    return themes


def _attach_nearest(themes, texts, embeddings, topics, codebook, vectors, k: int = 3) -> None:
    leaves = codebook.leaves()
    topics_arr = np.asarray(topics)
    for theme in themes:
        centroid = embeddings[topics_arr == theme.topic_id].mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        sims = vectors @ centroid
        best = np.argsort(-sims)[:k]
        theme.nearest_codebook_themes = [(leaves[j].key, round(float(sims[j]), 3)) for j in best]
