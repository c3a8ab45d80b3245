"""Background work runs for real on each backend: the database queue (the default), RQ on the
local Redis server, and the immediate backend the rest of the suite uses."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus

from engagement.background import enqueue_on_commit
from engagement.tasks import deliver_email

EMAIL = {
    "subject": "Your place is confirmed",
    "body": "See you on Tuesday.",
    "to": ["a@example.org"],
}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_database_worker_runs_queued_tasks():
    result = deliver_email.enqueue(**EMAIL, html="<p>See you on Tuesday.</p>")
    assert result.status == TaskResultStatus.READY
    assert mail.outbox == []

    call_command("db_worker", batch=True, queue_name="default", verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert mail.outbox[0].subject == "Your place is confirmed"
    assert mail.outbox[0].alternatives[0][1] == "text/html"


@pytest.mark.redis
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend"}})
def test_a_task_runs_through_redis_with_rq():
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    result = deliver_email.enqueue(**EMAIL)
    assert queue.count == 1

    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    worker.work(burst=True)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


@pytest.mark.django_db
def test_tasks_are_enqueued_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(deliver_email, **EMAIL)
    assert mail.outbox == []
    callbacks[0]()
    assert len(mail.outbox) == 1
