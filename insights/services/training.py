"""The learned model: train `nlp.supervised.SupervisedSuggester` from people's decisions.

Training data is every in-analysis segment on which a person has decided at least one code: the
themes they accepted are its labels, and every other theme (including those they rejected) is a
negative for that segment, which is how the engine reads a multi-label row. Themes with fewer
than two accepted examples are left out as labels of segments; instead, while an approved theme
has fewer than ``nlp.active.PRIOR_UNTIL`` codes, its own words (label, definition, key phrases,
examples) are one more example of it, so a new codebook helps from the start and fades as
people code (measured with ``python -m nlp simulate``; ADR 0013).

A training is recorded as a `SuggesterModel` row as soon as it is asked for, so leads can see it
is under way; `metrics["status"]` says "training", "ready" or "failed" (with a plain `error`).
Only ready rows with an artefact are ever used for coding. The artefact (a joblib file the engine
writes) lives in private storage."""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from engagement.background import enqueue_on_commit

from ..models import Code, CodebookVersion, CodeEvent, Segment, SuggesterModel, Theme
from .engine import embedder, engine_codebook

logger = logging.getLogger(__name__)

# The engine fits, calibrates and cross-validates per theme: below these it has nothing to learn.
MIN_TRAINING_SEGMENTS = 100
MIN_EXAMPLES_PER_THEME = 2
# A training that has said nothing for this long is taken to have died with its worker.
PENDING_TIMEOUT = timedelta(hours=2)
# Cross-validating on the Django side costs extra fits: three folds up to this size, then one
# held-out fifth.
CROSS_VALIDATE_UP_TO = 2000

STATUS_TRAINING, STATUS_READY, STATUS_FAILED = "training", "ready", "failed"


class TrainingError(Exception):
    """Training cannot go ahead; the message tells a lead why and what is needed."""


@dataclass
class Readiness:
    """How much people have coded, against what the engine needs to learn."""

    segments: int
    theme_counts: dict[str, int] = field(default_factory=dict)

    @property
    def themes_ready(self) -> list[str]:
        return sorted(k for k, n in self.theme_counts.items() if n >= MIN_EXAMPLES_PER_THEME)

    @property
    def more_needed(self) -> int:
        return max(0, MIN_TRAINING_SEGMENTS - self.segments)

    @property
    def ready(self) -> bool:
        return not self.more_needed and len(self.themes_ready) >= 2

    @property
    def message(self) -> str:
        if self.ready:
            return (
                f"Ready to train on {self.segments} coded segments "
                f"and {len(self.themes_ready)} themes."
            )
        parts = []
        if self.more_needed:
            parts.append(
                f"The learned model needs at least {MIN_TRAINING_SEGMENTS} segments that people "
                f"have coded. {self.segments} {'is' if self.segments == 1 else 'are'} coded so "
                f"far, so {self.more_needed} more {'is' if self.more_needed == 1 else 'are'} "
                "needed."
            )
        if len(self.themes_ready) < 2:
            have = len(self.themes_ready)
            parts.append(
                f"It also needs at least 2 themes with {MIN_EXAMPLES_PER_THEME} or more accepted "
                f"codes each; {have} theme{'' if have == 1 else 's'} "
                f"{'has' if have == 1 else 'have'} that so far."
            )
        return " ".join(parts)


def _decided_codes():
    """Codes a person has decided (machines only ever suggest), on segments in analysis."""
    return Code.objects.filter(
        status__in=[Code.Status.ACCEPTED, Code.Status.REJECTED],
        segment__in=Segment.objects.in_analysis(),
    )


def training_readiness() -> Readiness:
    segments = _decided_codes().values("segment_id").distinct().count()
    counts = dict(
        _decided_codes()
        .filter(status=Code.Status.ACCEPTED, theme__status=Theme.Status.APPROVED)
        .values("theme__key")
        .annotate(n=Count("segment_id", distinct=True))
        .values_list("theme__key", "n")
    )
    return Readiness(segments=segments, theme_counts=counts)


def training_examples() -> tuple[list[int], list[str], list[list[str]]]:
    """(segment ids, texts, accepted approved theme keys) for every segment people decided on."""
    labels: dict[int, set[str]] = {}
    rows = _decided_codes().values_list("segment_id", "status", "theme__key", "theme__status")
    for segment_id, status, key, theme_status in rows.iterator(chunk_size=2000):
        row = labels.setdefault(segment_id, set())
        if status == Code.Status.ACCEPTED and theme_status == Theme.Status.APPROVED:
            row.add(key)
    counts: dict[str, int] = {}
    for row in labels.values():
        for key in row:
            counts[key] = counts.get(key, 0) + 1
    learnable = {key for key, n in counts.items() if n >= MIN_EXAMPLES_PER_THEME}
    ids = sorted(labels)
    texts: dict[int, str] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        texts.update(Segment.objects.filter(pk__in=chunk).values_list("pk", "text"))
    return ids, [texts[i] for i in ids], [sorted(labels[i] & learnable) for i in ids]


# -- which model ------------------------------------------------------------------------------


def latest_model() -> SuggesterModel | None:
    """The newest trained model, the one coding runs use."""
    return (
        SuggesterModel.objects.exclude(artefact="")
        .filter(metrics__status=STATUS_READY)
        .order_by("-version")
        .first()
    )


def pending_model() -> SuggesterModel | None:
    """A training under way (asked for recently and not yet finished)."""
    return (
        SuggesterModel.objects.filter(
            metrics__status=STATUS_TRAINING, created_at__gte=timezone.now() - PENDING_TIMEOUT
        )
        .order_by("-version")
        .first()
    )


def reviews_since_last_model() -> int:
    """Segments people have decided codes on since the newest model was trained."""
    events = CodeEvent.objects.filter(actor__isnull=False)
    model = latest_model()
    if model is not None:
        events = events.filter(created_at__gt=model.created_at)
    return events.values("code__segment_id").distinct().count()


# -- asking for a training ----------------------------------------------------------------------


def retrain_request(*, user=None) -> SuggesterModel:
    """Queue a training now (a lead's button). Raises `TrainingError` when there is too little
    coded to learn from; returns the training already under way if there is one."""
    pending = pending_model()
    if pending is not None:
        return pending
    readiness = training_readiness()
    if not readiness.ready:
        raise TrainingError(readiness.message)
    return _start_training(user)


def retrain_if_due() -> SuggesterModel | None:
    """Queue a training when enough new reviews have come in since the last model."""
    if reviews_since_last_model() < settings.EHL_RETRAIN_AFTER_REVIEWS:
        return None
    if pending_model() is not None or not training_readiness().ready:
        return None
    return _start_training(None)


def _start_training(user) -> SuggesterModel:
    from ..tasks.coding import train_suggester

    # A training that never finished (its worker died) is marked so, not left "training".
    SuggesterModel.objects.filter(
        metrics__status=STATUS_TRAINING, created_at__lt=timezone.now() - PENDING_TIMEOUT
    ).update(metrics={"status": STATUS_FAILED, "error": "Training did not finish."})
    for _attempt in range(3):
        try:
            with transaction.atomic():
                version = (SuggesterModel.objects.aggregate(m=Max("version"))["m"] or 0) + 1
                model = SuggesterModel.objects.create(
                    version=version, trained_by=user, metrics={"status": STATUS_TRAINING}
                )
                enqueue_on_commit(train_suggester, model_id=model.pk)
                return model
        except IntegrityError:
            continue  # someone else took this version number at the same moment
    raise TrainingError("Training could not be started just now. Please try again.")


# -- training (the task body) -------------------------------------------------------------------


def train_model(model: SuggesterModel) -> SuggesterModel:
    """Fit the suggester on everything people have decided, cross-validate it and store it."""
    from nlp.active import with_priors
    from nlp.supervised import SupervisedSuggester

    readiness = training_readiness()
    if not readiness.ready:
        return _fail(model, readiness.message)
    ids, texts, labels = training_examples()
    vectors = embedder().encode(texts)
    hints = codebook_hints()
    suggester = SupervisedSuggester(embedder=embedder()).fit(
        *with_priors(texts, labels, vectors, hints)
    )
    metrics = cross_validate(texts, labels, vectors, hints)
    model.artefact.name = _store_artefact(suggester, model.version)
    model.n_train = len(texts)
    model.labels = list(suggester.labels_)
    left_out = sorted(set(readiness.theme_counts) - set(readiness.themes_ready))
    model.metrics = {
        "status": STATUS_READY,
        **metrics,
        "embedder": embedder().name,
        "themes_left_out": left_out,
        "seconds": round(suggester.fit_seconds_, 1),
    }
    model.codebook_version = CodebookVersion.objects.order_by("-number").first()
    model.holds_texts = False
    model.save()
    model.trained_on.set(ids)
    _forget_if_erased_meanwhile(ids)
    from .review_order import request_ranking

    request_ranking()
    logger.info("suggester v%s trained on %s segments", model.version, model.n_train)
    return model


def _forget_if_erased_meanwhile(ids: list[int]) -> None:
    """An erasure that landed while this model was training could not remove it (it had no
    file yet): its words went into it all the same, so it goes now, as erasure would have."""
    erased = list(
        Segment.objects.filter(pk__in=ids, text="", withdrawn_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    if erased:
        from .training_privacy import models_forget

        models_forget(erased)


def _fail(model: SuggesterModel, message: str) -> SuggesterModel:
    model.metrics = {"status": STATUS_FAILED, "error": message}
    model.save(update_fields=["metrics", "updated_at"])
    return model


def training_failed(model_id: int, error: Exception) -> None:
    """Mark a training failed after an unexpected error (named by type, never by content)."""
    SuggesterModel.objects.filter(pk=model_id).update(
        metrics={"status": STATUS_FAILED, "error": f"Training stopped: {type(error).__name__}."},
        updated_at=timezone.now(),
    )


def codebook_hints():
    """The approved themes' words as the engine's hints (``nlp.active.theme_hints``)."""
    from nlp.active import theme_hints

    return theme_hints(engine_codebook(), embedder().encode)


def cross_validate(texts, labels, vectors, hints=()) -> dict:
    """Micro and macro F1 of the engine on data it did not train on (k-fold, or one hold-out
    fifth for large sets), trained as the model is (with the codebook's words for themes with
    few codes, ``hints``) and scored on people's codes only. Empty when no split leaves two
    themes to train on."""
    import numpy as np

    from nlp.active import with_priors
    from nlp.metrics import multilabel_report
    from nlp.supervised import SupervisedSuggester

    n = len(texts)
    order = np.random.default_rng(0).permutation(n)
    if n <= CROSS_VALIDATE_UP_TO:
        folds, method = np.array_split(order, 3), "3-fold cross-validation"
    else:
        folds, method = [order[: n // 5]], "one held-out fifth"
    gold, predicted = [], []
    for held in folds:
        held_set = set(held.tolist())
        train = [i for i in range(n) if i not in held_set]
        try:
            fold_model = SupervisedSuggester(embedder=embedder()).fit(
                *with_priors(
                    [texts[i] for i in train], [labels[i] for i in train], vectors[train], hints
                )
            )
        except ValueError:
            return {}
        predicted.extend(fold_model.predict([texts[i] for i in held], vectors[held]))
        gold.extend(labels[i] for i in held)
    themes = sorted({x for row in labels for x in row})
    report = multilabel_report(gold, predicted, labels=themes)
    return {
        "method": method,
        "micro_f1": round(report.micro_f1, 3),
        "macro_f1": round(report.macro_f1, 3),
        "micro_precision": round(report.micro_precision, 3),
        "micro_recall": round(report.micro_recall, 3),
    }


def _store_artefact(suggester, version: int) -> str:
    storage = storages["private"]
    with tempfile.TemporaryDirectory() as directory:
        path = suggester.save(Path(directory) / "suggester.joblib")
        content = ContentFile(path.read_bytes())
    return storage.save(f"models/suggester-v{version}.joblib", content)


def load_suggester(model: SuggesterModel):
    """The engine's suggester from a stored model, with the configured embedder."""
    from nlp.supervised import SupervisedSuggester

    expected = (model.metrics or {}).get("embedder")
    if expected and expected != embedder().name:
        raise TrainingError(
            f"Model v{model.version} was trained with the {expected} embedder, "
            f"not {embedder().name}: retrain it."
        )
    storage = storages["private"]
    with (
        storage.open(model.artefact.name, "rb") as source,
        tempfile.NamedTemporaryFile(suffix=".joblib") as target,
    ):
        shutil.copyfileobj(source, target)
        target.flush()
        return SupervisedSuggester.load(target.name, embedder=embedder())
