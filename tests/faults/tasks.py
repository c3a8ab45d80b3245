"""A task for the scale-out test: it notes which worker process ran which job, in Redis."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="nlp")
def note_run(*, job: int, key: str) -> int:
    """Append "job:worker name" to a Redis list, after a short piece of work, so that jobs
    overlap and both workers get some."""
    import hashlib

    import redis
    from django.conf import settings
    from rq import get_current_job

    # A few milliseconds of real work (hashing), standing in for an NLP batch.
    digest = b"x"
    for _ in range(20_000):
        digest = hashlib.sha256(digest).digest()
    connection = redis.Redis.from_url(settings.RQ_QUEUES["nlp"]["URL"])
    connection.rpush(key, f"{job}:{get_current_job().worker_name}")
    return job
