"""Enqueueing background work safely.

Tasks are enqueued only once the surrounding transaction commits, so a worker never picks up
work for rows that were rolled back or are not yet visible to it."""

from __future__ import annotations

from django.db import transaction


def enqueue_on_commit(task, *args, **kwargs) -> None:
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
