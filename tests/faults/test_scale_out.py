"""Scale-out: several workers on one queue share the jobs and run each exactly once, and a run
delivered to two workers at once is done by one of them."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from django.db import connection, connections

from insights.models import CodingRun
from insights.tasks.runs import claim

from .rq_config import REAL_REDIS, RQ_TASKS, rq_queues
from .tasks import note_run

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
N_JOBS = 40


def _start_worker(name: str) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.faults.settings_rq"}
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "rqworker",
            "nlp",
            "--name",
            name,
            "--job-class",
            "django_tasks_rq.Job",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_until_listening(queue, names, workers, deadline_seconds=90):
    """Workers start in a few seconds (Django set-up); wait until both have registered."""
    from rq import Worker

    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if names <= {w.name for w in Worker.all(connection=queue.connection, queue=queue)}:
            return
        for worker in workers:
            if worker.poll() is not None:
                pytest.fail(f"worker exited early: {worker.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)  # a readiness check on separate processes, not synchronisation of work
    pytest.fail("RQ workers did not register in time")


@pytest.mark.redis
@pytest.mark.slow
def test_two_rq_workers_on_one_queue_share_the_jobs_and_run_each_exactly_once(settings):
    import django_rq
    from django_tasks_rq import Job

    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = rq_queues(REAL_REDIS)
    queue = django_rq.get_queue("nlp", job_class=Job)
    queue.empty()
    key = f"faults:scale-out:{uuid.uuid4().hex}"
    names = {f"faults-a-{uuid.uuid4().hex[:8]}", f"faults-b-{uuid.uuid4().hex[:8]}"}
    workers = [_start_worker(name) for name in sorted(names)]
    try:
        _wait_until_listening(queue, names, workers)
        results = [note_run.enqueue(job=n, key=key) for n in range(N_JOBS)]
        # Block on the list the jobs write to until every job has reported (or time runs out).
        seen = []
        for _ in range(N_JOBS):
            item = queue.connection.blmove(key, f"{key}:seen", timeout=60, src="LEFT", dest="RIGHT")
            assert item is not None, f"only {len(seen)} of {N_JOBS} jobs ran"
            seen.append(item.decode())
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)  # a warm shutdown, as a deploy would do
        for worker in workers:
            worker.wait(timeout=60)
        queue.connection.delete(key, f"{key}:seen")

    jobs = sorted(int(entry.split(":", 1)[0]) for entry in seen)
    assert jobs == list(range(N_JOBS))  # every job ran, none twice
    ran_on = {entry.split(":", 1)[1] for entry in seen}
    assert ran_on == names  # both workers took a share
    for result in results:
        result.refresh()
        assert result.status == "SUCCESSFUL" and len(result.worker_ids) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_run_delivered_to_two_workers_at_once_is_claimed_by_one(lead):
    if connection.vendor != "postgresql":
        pytest.skip("Simultaneous claims are tested on PostgreSQL (run with DATABASE_URL set).")
    run = CodingRun.objects.create(started_by=lead, total=1)
    start = threading.Barrier(8)
    claims = []

    def attempt():
        try:
            start.wait(timeout=30)
            claims.append(claim(CodingRun, run.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(claims) == [False] * 7 + [True]
    run.refresh_from_db()
    assert (run.status, run.attempts) == (CodingRun.Status.RUNNING, 1)
