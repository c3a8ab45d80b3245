"""Discovery runs in the background, on the nlp queue (never in a web request)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="nlp")
def run_discovery(*, run_id: int) -> int:
    """Find candidate themes for one discovery run, recording progress on the run.

    Claims the run first, so a copy of this job delivered twice proposes no second set of
    candidates (see runs.py)."""
    from ..models import DiscoveryRun
    from ..services.discovery import TooFewSegments, discovery_failed, discovery_run
    from .runs import DATABASE_LOST, claim, is_connection_lost, mark_failed

    if not claim(DiscoveryRun, run_id):
        return 0
    run = DiscoveryRun.objects.get(pk=run_id)
    try:
        return discovery_run(run)
    except TooFewSegments:
        return 0  # already recorded on the run, in words a lead can act on
    except Exception as error:
        if is_connection_lost(error):
            mark_failed(DiscoveryRun, run_id, DATABASE_LOST)
        else:
            discovery_failed(run_id, error)
        raise
