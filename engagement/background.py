"""Enqueueing background work safely.

Tasks are enqueued only once the surrounding transaction commits, so a worker never picks up
work for rows that were rolled back or are not yet visible to it.

The queue can be unreachable when a job is enqueued (Redis restarting while `TASK_BACKEND=rq`).
The request that caused the job has already committed by then, so failing it would tell the
person their sign-up failed when it did not, and the job would be lost. Instead the job is kept
in the database (`TaskOutbox`) and the request succeeds; `outbox_drain` (run by
`manage.py drain_task_outbox`, every minute in production) hands kept jobs to the queue once it
is back. Delivery is therefore at least once: tasks must be idempotent (see docs/operations.md)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Failures of the queue's store, as opposed to a programming error in the call (a bad argument
# or an unknown queue), which must still raise.
QUEUE_UNAVAILABLE = (RedisError, DatabaseError, OSError)
DRAIN_CHUNK = 50


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Enqueue `task` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue_or_keep(task, *args, **kwargs))


def enqueue_or_keep(task, *args, **kwargs):
    """Enqueue now; if the queue is unreachable, keep the job in the outbox instead.

    Returns the task result, or None when the job was kept for later."""
    try:
        return task.enqueue(*args, **kwargs)
    except QUEUE_UNAVAILABLE as error:
        _keep(task, args, kwargs, error)
        return None


def _keep(task, args, kwargs, error: BaseException) -> None:
    from .models.outbox import TaskOutbox

    try:
        TaskOutbox.objects.create(
            task_path=task.module_path,
            backend=task.backend,
            queue_name=task.queue_name,
            priority=task.priority,
            run_after=task.run_after,
            args=list(args),
            kwargs=kwargs,
            last_error=type(error).__name__,
        )
    except DatabaseError:
        # The queue and the database are both unreachable: nothing durable is left to write to.
        # Ids only in the log line, never the arguments (they can hold email addresses).
        logger.exception("task %s lost: queue and database both unavailable", task.module_path)
        return
    logger.warning(
        "task queue unavailable (%s): %s kept in the outbox", type(error).__name__, task.module_path
    )


@dataclass
class DrainReport:
    """What one drain did: jobs handed to the queue, and jobs still waiting."""

    sent: int = 0
    waiting: int = 0
    queue_error: str = ""


def outbox_drain(*, limit: int | None = None) -> DrainReport:
    """Hand kept jobs to the queue, oldest first, and stop at the first refusal.

    Several drains may run at once (one per worker host): each locks the rows it is sending and
    skips rows another has locked (PostgreSQL; SQLite runs one writer at a time), so a kept job
    is enqueued once. A row is deleted in the same transaction that enqueued it; if that commit
    fails after the queue took the job, the job is sent again later, which idempotent tasks
    tolerate."""
    from .models.outbox import TaskOutbox

    report = DrainReport()
    while limit is None or report.sent < limit:
        with transaction.atomic():
            chunk = DRAIN_CHUNK if limit is None else min(DRAIN_CHUNK, limit - report.sent)
            rows = list(
                TaskOutbox.objects.select_for_update(skip_locked=True).order_by("pk")[:chunk]
            )
            if not rows:
                break
            for row in rows:
                try:
                    _task_of(row).enqueue(*row.args, **row.kwargs)
                except QUEUE_UNAVAILABLE as error:
                    # Still down: record the attempt and leave the rest for the next drain.
                    TaskOutbox.objects.filter(pk=row.pk).update(
                        attempts=row.attempts + 1,
                        last_error=type(error).__name__,
                        updated_at=timezone.now(),
                    )
                    report.queue_error = type(error).__name__
                    break
                row.delete()
                report.sent += 1
        if report.queue_error:
            break
    report.waiting = TaskOutbox.objects.count()
    return report


def _task_of(row):
    task = import_string(row.task_path)
    run_after = row.run_after if row.run_after and row.run_after > timezone.now() else None
    return task.using(
        backend=row.backend, queue_name=row.queue_name, priority=row.priority, run_after=run_after
    )
