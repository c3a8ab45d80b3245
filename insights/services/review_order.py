"""The "most useful to review next" order of the review queue.

The order comes from the engine's ``useful`` strategy (``nlp.active``), the one the simulated
reviewer chose (``python -m nlp simulate``; figures in docs/benchmarks.md): segments that might
be about themes with few codes first, then segments the learned model is least sure about,
spread across the kinds of thing people say. It needs sentence vectors and the learned model,
so it is worked out in the worker (``rank_queue``) and stored as `ReviewPriority` rows; the
queue only reads them. It is worked out again after a coding run, after each training and once
``EHL_RERANK_AFTER_REVIEWS`` more segments have been reviewed, so a request never waits on it.
Segments without a priority (new since the last ranking, or past ``RANK_DEPTH``) follow, least
certain first."""

from __future__ import annotations

import logging

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from engagement.background import enqueue_on_commit

from ..models import CodeEvent, ReviewPriority, Segment, Theme
from .engine import embedder, engine_codebook

logger = logging.getLogger(__name__)

# How many segments at the front of the queue get a worked-out place; a reviewer will not get
# through more before the next ranking.
RANK_DEPTH = 200
ORDER_USEFUL, ORDER_UNCERTAIN = "useful", "uncertain"
ORDERS = {
    ORDER_USEFUL: "Most useful to review next",
    ORDER_UNCERTAIN: "Least certain first",
}


def request_ranking() -> None:
    """Ask the worker to work the order out again (after this transaction commits)."""
    from ..tasks.coding import rank_review_queue

    enqueue_on_commit(rank_review_queue)


def rerank_if_due() -> bool:
    """Ask for a new order when enough segments have been reviewed since the last one."""
    last = ReviewPriority.objects.order_by("-computed_at").values_list("computed_at", flat=True)
    events = CodeEvent.objects.filter(actor__isnull=False)
    if last.first() is not None:
        events = events.filter(created_at__gt=last.first())
    if events.values("code__segment_id").distinct().count() < settings.EHL_RERANK_AFTER_REVIEWS:
        return False
    request_ranking()
    return True


def rank_queue() -> int:
    """Work out the order (the worker's job): returns how many segments got a place."""
    from nlp.active import theme_hints, useful_strategy

    from .review import review_queue
    from .training import latest_model, load_suggester, training_examples

    waiting = list(review_queue().values_list("pk", flat=True)[:20000])
    if not waiting:
        ReviewPriority.objects.all().delete()
        return 0
    _ids, coded_texts, coded_labels = training_examples()
    texts = dict(Segment.objects.filter(pk__in=waiting).values_list("pk", "text"))
    waiting = [pk for pk in waiting if pk in texts]
    pool_texts = [texts[pk] for pk in waiting] + list(coded_texts)
    encoder = embedder()
    vectors = np.asarray(encoder.encode(pool_texts), dtype=np.float32)
    state = _state(pool_texts, vectors, len(waiting), coded_labels)
    state.themes = theme_hints(engine_codebook(), encoder.encode)
    model_row = latest_model()
    if model_row is not None:
        try:
            model = load_suggester(model_row)
        except Exception as error:  # an unreadable model: rank on the codebook alone
            logger.warning("review order without the learned model: %s", type(error).__name__)
        else:
            state.probabilities = model.predict_proba(pool_texts, vectors)
            state.thresholds = np.asarray(model.thresholds_)
            state.model_labels = list(model.labels_)
            state.single_label = bool(model.single_label_)
    rng = np.random.default_rng(0)
    picks = useful_strategy(state, min(RANK_DEPTH, len(waiting)), rng)
    _store(picks, waiting)
    return len(picks)


def _state(pool_texts, vectors, n_waiting: int, coded_labels):
    from nlp.active import PoolState

    coded = list(range(n_waiting, len(pool_texts)))
    return PoolState(
        texts=pool_texts, vectors=vectors, coded=coded, coded_labels=list(coded_labels)
    )


@transaction.atomic
def _store(picks, waiting: list[int]) -> None:
    themes = dict(Theme.objects.values_list("key", "pk"))
    counts = _accepted_counts()
    now = timezone.now()
    kinds = {k.value for k in ReviewPriority.Kind}
    rows = []
    for rank, pick in enumerate(picks, start=1):
        kind = pick.kind if pick.kind in kinds else ReviewPriority.Kind.SPREAD
        rows.append(
            ReviewPriority(
                segment_id=waiting[pick.index],
                rank=rank,
                kind=kind,
                theme_id=themes.get(pick.theme) if pick.theme else None,
                codes_of_theme=counts.get(pick.theme, 0) if kind == "rare" else None,
                computed_at=now,
            )
        )
    ReviewPriority.objects.all().delete()
    ReviewPriority.objects.bulk_create(rows, batch_size=500)


def _accepted_counts() -> dict[str, int]:
    from .training import training_readiness

    return training_readiness().theme_counts
