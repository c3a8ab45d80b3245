"""Keeping background runs honest when workers die or the database goes away.

Every NLP run (a coding run, a discovery run, a segment build) has a status people can see. A
worker *claims* a run before doing it: the status moves from "queued" to "running" in one
conditional UPDATE, so a job delivered twice (an outbox drained twice, a run re-queued while its
first worker was merely slow) does the work once and the second copy returns at once. While it
works, the run's `updated_at` moves with every progress update: that is its heartbeat.

A worker killed mid-run (OOM, a deploy, a lost machine) leaves the run "running" with a heartbeat
that stops. `recover_stale_runs` (`manage.py recover_stale_runs`, every few minutes) finds runs
whose heartbeat is older than their limit and queues them again, up to `MAX_ATTEMPTS` starts;
after that the run is marked failed with a message saying so. Running a run again is safe: the
services are idempotent (codes are unique per segment and theme, segments are matched to their
place in the record)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from engagement.background import enqueue_on_commit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# Longer than the longest silence between two heartbeats of a healthy run: a coding batch or a
# redaction chunk takes seconds to a few minutes; discovery's topic modelling step sends none.
STALE_AFTER = {
    "coding": timedelta(minutes=15),
    "segments": timedelta(minutes=15),
    "discovery": timedelta(minutes=60),
}
DATABASE_LOST = (
    "The connection to the database was lost while this was running. Nothing half-done was "
    "kept; start it again."
)


def run_kinds() -> dict[str, tuple]:
    """Each kind of run: its model, the task that does it, and the task's keyword argument."""
    from ..models import CodingRun, DiscoveryRun, SegmentBuild
    from .coding import code_segments
    from .discovery import run_discovery
    from .segments import build_segments

    return {
        "coding": (CodingRun, code_segments, "run_id"),
        "segments": (SegmentBuild, build_segments, "build_id"),
        "discovery": (DiscoveryRun, run_discovery, "run_id"),
    }


def claim(model, pk: int) -> bool:
    """Start a queued run; False when it is not queued (finished, or another worker has it)."""
    now = timezone.now()
    claimed = model.objects.filter(pk=pk, status=model.Status.QUEUED).update(
        status=model.Status.RUNNING, attempts=F("attempts") + 1, error="", updated_at=now
    )
    if not claimed:
        logger.info("%s %s not claimed: not queued", model.__name__, pk)
    return bool(claimed)


def mark_failed(model, pk: int, message: str) -> bool:
    """Record a failure people can read. When the database itself is unreachable, the run is
    left "running" and `recover_stale_runs` deals with it once the database is back."""
    try:
        return bool(
            model.objects.filter(pk=pk)
            .exclude(status=model.Status.FAILED)
            .update(
                status=model.Status.FAILED,
                error=message,
                finished_at=timezone.now(),
                updated_at=timezone.now(),
            )
        )
    except DatabaseError:
        logger.warning("%s %s: could not record the failure; left for recovery", model.__name__, pk)
        return False


def is_connection_lost(error: BaseException) -> bool:
    """The database connection went away (as opposed to a bad query or a constraint)."""
    from django.db import InterfaceError, OperationalError

    return isinstance(error, (InterfaceError, OperationalError))


@dataclass
class Recovery:
    """What one pass of `recover_stale_runs` did, by kind of run: ids re-queued and failed."""

    requeued: dict[str, list[int]] = field(default_factory=dict)
    failed: dict[str, list[int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(map(len, self.requeued.values())) + sum(map(len, self.failed.values()))


def recover_stale_runs(
    *, now=None, stale_after: timedelta | None = None, max_attempts: int = MAX_ATTEMPTS
) -> Recovery:
    """Re-queue runs whose worker stopped, or fail them once they have been tried enough.

    A run counts as stale when it has been "running" or "queued" with no heartbeat for longer
    than its kind's limit (`stale_after` overrides every limit). A queued run can be stale too:
    its job may have been lost between the commit and the queue (a crash at that instant), and
    queueing it again is harmless because only one worker can claim it."""
    now = now or timezone.now()
    recovery = Recovery()
    for kind, (model, run_task, argument) in run_kinds().items():
        cutoff = now - (stale_after or STALE_AFTER[kind])
        stale = model.objects.filter(
            status__in=[model.Status.QUEUED, model.Status.RUNNING], updated_at__lt=cutoff
        )
        for pk, attempts in stale.values_list("pk", "attempts"):
            # Conditional on the run still being stale, so a heartbeat that arrives now wins.
            still_stale = model.objects.filter(
                pk=pk, status__in=[model.Status.QUEUED, model.Status.RUNNING], updated_at__lt=cutoff
            )
            if attempts >= max_attempts:
                changed = still_stale.update(
                    status=model.Status.FAILED,
                    error=(
                        f"The worker stopped while running this, {attempts} times. Start it "
                        "again; if it stops again, tell the programme's technical team."
                    ),
                    finished_at=now,
                    updated_at=now,
                )
                if changed:
                    recovery.failed.setdefault(kind, []).append(pk)
                continue
            with transaction.atomic():
                changed = still_stale.update(status=model.Status.QUEUED, updated_at=now)
                if changed:
                    enqueue_on_commit(run_task, **{argument: pk})
            if changed:
                recovery.requeued.setdefault(kind, []).append(pk)
    if recovery.total:
        logger.warning("stale runs: requeued %s, failed %s", recovery.requeued, recovery.failed)
    return recovery


@task(queue_name="default")
def recover_runs() -> int:
    """The periodic job form of `recover_stale_runs`: how many runs it re-queued or failed."""
    return recover_stale_runs().total
