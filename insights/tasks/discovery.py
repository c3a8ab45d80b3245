"""Discovery runs in the background, on the nlp queue (never in a web request)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="nlp")
def run_discovery(*, run_id: int) -> int:
    """Find candidate themes for one discovery run, recording progress on the run."""
    from ..models import DiscoveryRun
    from ..services.discovery import TooFewSegments, discovery_failed, discovery_run

    run = DiscoveryRun.objects.get(pk=run_id)
    try:
        return discovery_run(run)
    except TooFewSegments:
        return 0  # already recorded on the run, in words a lead can act on
    except Exception as error:
        discovery_failed(run_id, error)
        raise
