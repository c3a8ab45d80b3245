"""Coding segments and training the learned model, in the background on the `nlp` queue."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="nlp")
def code_segments(*, run_id: int) -> int:
    """Suggest themes for the segments of one coding run, recording progress on the run."""
    from django.utils import timezone

    from ..models import CodingRun
    from ..services.coding import coding_run_execute

    run = CodingRun.objects.get(pk=run_id)
    try:
        return coding_run_execute(run)
    except Exception as error:
        # The message names the failure without quoting any of the text being coded.
        CodingRun.objects.filter(pk=run_id).update(
            status=CodingRun.Status.FAILED,
            error=f"Coding stopped: {type(error).__name__}.",
            finished_at=timezone.now(),
        )
        raise


@task(queue_name="nlp")
def train_suggester(*, model_id: int) -> int:
    """Train one version of the learned suggester from people's decisions."""
    from ..models import SuggesterModel
    from ..services.training import train_model, training_failed

    model = SuggesterModel.objects.get(pk=model_id)
    try:
        return train_model(model).n_train
    except Exception as error:
        training_failed(model_id, error)
        raise
