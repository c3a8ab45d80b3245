"""Discovery runs: finding themes in what people said that the codebook does not have yet.

A lead starts a run over a segment filter; the worker embeds the segments, asks
`nlp.discovery.discover` for topics (seeded with the approved codebook, with a fixed random
seed so the same segments give the same topics) and stores each topic as a candidate theme
with its key terms, size, representative quotes (as segments) and nearest approved theme.
Candidates reach no report until a person approves them."""

from __future__ import annotations

import logging

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from engagement.background import enqueue_on_commit

from ..filters import apply_filter
from ..models import DiscoveryRun, Segment, Theme
from .codebook import codebook_current_version, next_sort_order
from .engine import embedder, engine_codebook

logger = logging.getLogger(__name__)

# BERTopic needs at least this many segments (nlp.discovery refuses fewer).
MIN_SEGMENTS = 10
# A run is capped so that it finishes in minutes on a small machine; the newest are used.
MAX_SEGMENTS = 20_000
EMBED_CHUNK = 256
DEFAULT_SEED = 42


class TooFewSegments(ValueError):
    """The filter matched too few segments for topics to mean anything."""


def discovery_segments(segment_filter: dict | None):
    """The segments a run looks at: in analysis (consent stands, codable), matching the filter."""
    ids = (
        apply_filter(Segment.objects.in_analysis(), segment_filter)
        .order_by("-said_on", "-pk")
        .values_list("pk", flat=True)
        .distinct()[:MAX_SEGMENTS]
    )
    return Segment.objects.filter(pk__in=list(ids)).order_by("pk")


@transaction.atomic
def discovery_requested(actor, segment_filter: dict | None, *, seed: int = DEFAULT_SEED):
    """Record a run and queue it for the worker once this transaction commits."""
    from ..tasks.discovery import run_discovery

    run = DiscoveryRun.objects.create(
        segment_filter=segment_filter or {},
        seed=seed,
        codebook_version=codebook_current_version(),
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    enqueue_on_commit(run_discovery, run_id=run.pk)
    return run


def _progress(run: DiscoveryRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    DiscoveryRun.objects.filter(pk=run.pk).update(**fields, updated_at=timezone.now())


def readable_label(terms: list[str], fallback: str) -> str:
    """A name a person can read from a topic's key terms: "Bus fare, shift and journey".

    Terms inside a longer chosen phrase are skipped ("bus" once "bus fare" is in), and a phrase
    replaces the single words it contains."""
    chosen: list[str] = []
    for term in terms:
        words = set(term.split())
        if any(words <= set(c.split()) for c in chosen):
            continue
        chosen = [c for c in chosen if not set(c.split()) <= words]
        chosen.append(term)
        if len(chosen) == 3:
            break
    if not chosen:
        return fallback
    text = chosen[0] if len(chosen) == 1 else f"{', '.join(chosen[:-1])} and {chosen[-1]}"
    return (text[:1].upper() + text[1:])[:160]


def _embed(run: DiscoveryRun, texts: list[str]) -> np.ndarray:
    model = embedder()
    parts = []
    for start in range(0, len(texts), EMBED_CHUNK):
        parts.append(np.asarray(model.encode(texts[start : start + EMBED_CHUNK])))
        _progress(run, done=min(start + EMBED_CHUNK, len(texts)))
    return np.vstack(parts).astype(np.float32)


def discovery_run(run: DiscoveryRun) -> int:
    """Do a run: returns how many candidate themes it proposed. Raises `TooFewSegments` when
    the filter matched too few segments (the run is marked failed with a plain message)."""
    from nlp.discovery import discover

    segments = list(discovery_segments(run.segment_filter).only("pk", "text"))
    n = len(segments)
    # One step per segment embedded, and one for finding the topics.
    _progress(run, status=DiscoveryRun.Status.RUNNING, total=n + 1, done=0, error="")
    if n < MIN_SEGMENTS:
        message = (
            f"Only {n} segment{'s' if n != 1 else ''} matched this filter; discovery needs at "
            f"least {MIN_SEGMENTS}. Choose a wider filter."
        )
        _progress(
            run,
            status=DiscoveryRun.Status.FAILED,
            error=message,
            segments_used=n,
            finished_at=timezone.now(),
        )
        raise TooFewSegments(message)
    texts = [segment.text for segment in segments]
    vectors = _embed(run, texts)
    codebook = engine_codebook()
    leaves = codebook.leaves()
    codebook_vectors = (
        np.asarray(embedder().encode([t.description() for t in leaves]), dtype=np.float32)
        if leaves
        else None
    )
    result = discover(
        texts,
        vectors,
        codebook=codebook if leaves else None,
        codebook_vectors=codebook_vectors,
        seed=run.seed,
    )
    with transaction.atomic():
        created = _store_candidates(run, segments, result)
        _progress(
            run,
            status=DiscoveryRun.Status.DONE,
            done=n + 1,
            segments_used=n,
            outliers=result.n_outliers,
            finished_at=timezone.now(),
        )
    logger.info("discovery run %s proposed %s candidates", run.pk, created)
    return created


def _store_candidates(run: DiscoveryRun, segments: list[Segment], result) -> int:
    nearest_keys = {key for topic in result.themes for key, _ in topic.nearest_codebook_themes[:1]}
    nearest = {t.key: t for t in Theme.objects.filter(key__in=nearest_keys)}
    order = next_sort_order()
    assignments = np.asarray(result.assignments)
    for number, topic in enumerate(result.themes, start=1):
        members = [segments[i] for i in np.flatnonzero(assignments == topic.topic_id)]
        quotes = _quote_segments(members, topic.representative_quotes)
        near_key, near_score = (topic.nearest_codebook_themes or [(None, None)])[0]
        near = nearest.get(near_key)
        label = readable_label(topic.key_terms, f"Discovered topic {number}")
        theme = Theme.objects.create(
            key=_candidate_key(run, number),
            label=label,
            kind=near.kind if near else Theme.Kind.BARRIER,
            # A person writes the real definition when approving; this says where it came from.
            definition="",
            status=Theme.Status.CANDIDATE,
            origin=Theme.Origin.DISCOVERED,
            discovery_run=run,
            key_terms=list(topic.key_terms),
            size=topic.size,
            nearest_theme=near,
            nearest_similarity=near_score if near else None,
            sort_order=order + number,
        )
        theme.representative_segments.set(quotes)
    return len(result.themes)


def _quote_segments(members: list[Segment], quotes: list[str]) -> list[Segment]:
    """The segments behind a topic's quotes (texts can repeat: each segment is used once)."""
    chosen: list[Segment] = []
    for quote in quotes:
        for segment in members:
            if segment.text == quote and segment not in chosen:
                chosen.append(segment)
                break
    return chosen


def _candidate_key(run: DiscoveryRun, number: int) -> str:
    key = slugify(f"discovered-{run.pk}-{number}")
    n = 1
    while Theme.objects.filter(key=key).exists():
        n += 1
        key = slugify(f"discovered-{run.pk}-{number}-{n}")
    return key


def discovery_failed(run_id: int, error: BaseException) -> None:
    """Record a failure on the run. The message names the kind of failure only: an exception's
    text could quote a segment."""
    DiscoveryRun.objects.filter(pk=run_id).exclude(status=DiscoveryRun.Status.FAILED).update(
        status=DiscoveryRun.Status.FAILED,
        error=f"The run stopped with an error ({type(error).__name__}). Try again; if it fails "
        "again, tell the programme's technical team.",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
