"""Keeping people's words out of trained models once they have asked for them to go.

A model file (`SupervisedSuggester.save`) holds no training texts, but its weights and n-gram
vocabulary were learned from them, so erasing a person's words removes every artefact that
learned from them (`SuggesterModel.trained_on`) and asks for a new training on what is left. The
rows stay, marked as removed, so the model page and the subject-access export can say which
models used those words. Artefacts written before training texts were left out of model files
(`holds_texts`) are rewritten without them by the retention run."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction

from ..models import SuggesterModel
from .training import TrainingError, retrain_request

logger = logging.getLogger(__name__)

STATUS_REMOVED = "removed"
REMOVED_NOTE = "Removed because it learned from words a person asked to erase."


def models_trained_on(segment_ids) -> list[SuggesterModel]:
    """The models that learned from any of these segments, newest first."""
    return list(
        SuggesterModel.objects.filter(trained_on__in=list(segment_ids))
        .distinct()
        .order_by("-version")
    )


def models_forget(segment_ids) -> list[int]:
    """Remove the artefact of every model that learned from these segments and queue a new
    training on what is left (when there is enough). Returns the versions removed."""
    removed = []
    storage = storages["private"]
    for model in models_trained_on(segment_ids):
        if (model.metrics or {}).get("status") == STATUS_REMOVED:
            continue
        if model.artefact:
            name = model.artefact.name
            transaction.on_commit(lambda name=name: storage.delete(name))
        model.artefact = ""
        model.holds_texts = False
        model.metrics = {**(model.metrics or {}), "status": STATUS_REMOVED, "error": REMOVED_NOTE}
        model.save(update_fields=["artefact", "holds_texts", "metrics", "updated_at"])
        removed.append(model.version)
    if removed:
        from engagement.services.audit import audit_record

        audit_record("models.removed_after_erasure", versions=removed)
        _retrain()
    return removed


def _retrain() -> None:
    try:
        retrain_request()  # the training under way, if there is one, will do
    except TrainingError:
        logger.info("too little is coded to train again after an erasure")


def models_strip_texts(*, dry_run: bool = False) -> int:
    """Rewrite the artefacts that still carry their training texts without them."""
    from nlp.supervised import SupervisedSuggester

    due = SuggesterModel.objects.filter(holds_texts=True).exclude(artefact="")
    if dry_run:
        return due.count()
    storage = storages["private"]
    done = 0
    for model in due:
        name = model.artefact.name
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "suggester.joblib"
            with storage.open(name, "rb") as source, path.open("wb") as target:
                shutil.copyfileobj(source, target)
            suggester = SupervisedSuggester.load(path)
            suggester.save(path)
            storage.delete(name)
            model.artefact.name = storage.save(name, ContentFile(path.read_bytes()))
        model.holds_texts = False
        model.save(update_fields=["artefact", "holds_texts", "updated_at"])
        done += 1
    return done


def model_use_of(segments) -> dict[int, list[str]]:
    """For a subject-access export: by segment id, the models that learned from it, in words."""
    through = SuggesterModel.trained_on.through
    rows = through.objects.filter(segment_id__in=[s.pk for s in segments]).select_related(
        "suggestermodel"
    )
    out: dict[int, list[str]] = {}
    for row in rows.order_by("suggestermodel__version"):
        model = row.suggestermodel
        removed = (model.metrics or {}).get("status") == STATUS_REMOVED
        out.setdefault(row.segment_id, []).append(
            f"learned model v{model.version}, trained {model.created_at:%d %B %Y}"
            + (" (since removed)" if removed else "")
        )
    return out
