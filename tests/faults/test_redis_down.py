"""Redis unavailable while the RQ backend is configured: requests still succeed, the work is
kept in the database outbox, and once Redis is back the drain hands it to RQ and a real RQ
worker runs it."""

import uuid

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from engagement.background import enqueue_on_commit, outbox_drain
from engagement.models import Registration, TaskOutbox
from engagement.tasks import deliver_email
from insights.models import CodingRun
from insights.services.coding import coding_run_start
from tests.insights.review_support import make_codebook, make_segments

from .rq_config import REAL_REDIS, REFUSED_REDIS, RQ_TASKS, rq_queues


@pytest.fixture
def redis_down(settings):
    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = rq_queues(REFUSED_REDIS)
    return settings


def _redis_back(settings, queue_name):
    """Point RQ at the real Redis again; returns the emptied queue."""
    import django_rq
    from django_tasks_rq import Job

    settings.RQ_QUEUES = rq_queues(REAL_REDIS)
    queue = django_rq.get_queue(queue_name, job_class=Job)
    queue.empty()
    return queue


def _work(queue):
    from django_tasks_rq import Job
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sign_up_succeeds_while_redis_is_down_and_its_email_goes_once_redis_is_back(
    client, focus_group, redis_down
):
    form = {
        "name": "Jo Bloggs",
        "email": "jo@example.org",
        "contact_preference": "email",
        "consent_take_part": "on",
        "submission_key": str(uuid.uuid4()),
    }
    response = client.post(reverse("focus_groups:signup", args=[focus_group.public_id]), form)

    assert response.status_code == 302
    assert Registration.objects.get().email == "jo@example.org"
    kept = TaskOutbox.objects.get()
    assert (kept.task_path, kept.queue_name) == ("engagement.tasks.deliver_email", "default")
    assert kept.kwargs["to"] == ["jo@example.org"]
    assert kept.last_error == "ConnectionError" and kept.attempts == 1
    assert mail.outbox == []

    # Still down: the drain keeps the job and counts the attempt.
    report = outbox_drain()
    assert (report.sent, report.waiting, report.queue_error) == (0, 1, "ConnectionError")
    kept.refresh_from_db()
    assert kept.attempts == 2

    queue = _redis_back(redis_down, "default")
    call_command("drain_task_outbox", verbosity=0)
    assert not TaskOutbox.objects.exists()
    assert queue.count == 1
    assert outbox_drain().sent == 0  # drained once: a second drain sends nothing again

    _work(queue)
    assert [m.to for m in mail.outbox] == [["jo@example.org"]]
    assert "confirmed" in mail.outbox[0].subject.lower()


@pytest.mark.redis
@pytest.mark.django_db
def test_a_coding_run_started_while_redis_is_down_runs_through_rq_once_it_is_back(
    lead, redis_down, django_capture_on_commit_callbacks
):
    make_codebook()
    make_segments(6)
    with django_capture_on_commit_callbacks(execute=True):
        run = coding_run_start(user=lead, segment_filter={})
    run.refresh_from_db()
    assert run.status == CodingRun.Status.QUEUED
    assert TaskOutbox.objects.get().kwargs == {"run_id": run.pk}

    queue = _redis_back(redis_down, "nlp")
    assert outbox_drain().sent == 1
    assert queue.count == 1
    _work(queue)

    run.refresh_from_db()
    assert (run.status, run.done, run.attempts) == (CodingRun.Status.DONE, 6, 1)
    assert run.suggestions_made > 0


@pytest.mark.django_db
def test_deferred_jobs_keep_their_time_and_order_in_the_outbox(
    redis_down, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    at = timezone.now() + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(deliver_email, subject="one", body="", to=["a@example.org"])
        enqueue_on_commit(
            deliver_email.using(run_after=at), subject="two", body="", to=["b@example.org"]
        )
    kept = list(TaskOutbox.objects.order_by("pk"))
    assert [row.kwargs["subject"] for row in kept] == ["one", "two"]
    assert kept[0].run_after is None and kept[1].run_after == at


@pytest.mark.django_db
def test_a_mistake_in_the_call_still_raises_rather_than_hiding_in_the_outbox(redis_down):
    from engagement.background import enqueue_or_keep

    with pytest.raises(Exception) as raised:
        enqueue_or_keep(deliver_email, subject=object(), body="", to=[])
    assert "Connection" not in type(raised.value).__name__
    assert not TaskOutbox.objects.exists()
