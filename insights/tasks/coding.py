"""Coding segments and training the learned model, in the background on the `nlp` queue."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="nlp")
def code_segments(*, run_id: int) -> int:
    """Suggest themes for the segments of one coding run, recording progress on the run.

    Claims the run first, so a copy of this job delivered twice does nothing (see runs.py)."""
    from ..models import CodingRun
    from ..services.coding import coding_run_execute
    from .runs import DATABASE_LOST, claim, is_connection_lost, mark_failed

    if not claim(CodingRun, run_id):
        return 0
    run = CodingRun.objects.get(pk=run_id)
    try:
        return coding_run_execute(run)
    except Exception as error:
        # The message names the failure without quoting any of the text being coded.
        message = (
            DATABASE_LOST
            if is_connection_lost(error)
            else f"Coding stopped: {type(error).__name__}."
        )
        mark_failed(CodingRun, run_id, message)
        raise


@task(queue_name="nlp")
def train_suggester(*, model_id: int) -> int:
    """Train one version of the learned suggester from people's decisions.

    A version that is already trained is left alone, so a copy of this job delivered twice (or
    run once already by `load_demo_data`) does not train it again."""
    from ..models import SuggesterModel
    from ..services.training import STATUS_TRAINING, train_model, training_failed

    model = SuggesterModel.objects.get(pk=model_id)
    if (model.metrics or {}).get("status") != STATUS_TRAINING:
        return model.n_train
    try:
        return train_model(model).n_train
    except Exception as error:
        training_failed(model_id, error)
        raise


@task(queue_name="nlp")
def rank_review_queue() -> int:
    """Work out the review queue's "most useful to review next" order (see review_order.py).

    Running it twice in a row is harmless: each run replaces the whole order."""
    from ..services.review_order import rank_queue

    return rank_queue()
