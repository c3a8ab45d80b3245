"""Running a task at a later time, when the task backend can."""

from __future__ import annotations

import logging

from django.utils import timezone

from ..background import enqueue_on_commit

logger = logging.getLogger(__name__)


def schedule(task, *, at, **kwargs) -> bool:
    """Enqueue `task` to run at `at` (after the current transaction commits).

    Backends without deferred execution (the immediate backend in tests) skip the job; the
    periodic sweep tasks (e.g. offers_expire_due) catch anything a deferred job would have done,
    so nothing depends on a deferred job alone."""
    backend = task.get_backend()
    if not backend.supports_defer:
        logger.debug("backend cannot defer; %s left to the periodic sweep", task.name)
        return False
    if at <= timezone.now():
        enqueue_on_commit(task, **kwargs)
    else:
        enqueue_on_commit(task.using(run_after=at), **kwargs)
    return True
