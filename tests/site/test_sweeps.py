"""`manage.py run_sweeps`: the periodic housekeeping hands kept jobs to the queue and enqueues
the sweeps, and is harmless to run twice."""

import pytest
from django.core.management import call_command

from engagement.models.outbox import TaskOutbox
from engagement.tasks import sweep_registrations
from insights.tasks import runs

pytestmark = pytest.mark.django_db


def test_sweeps_drain_the_outbox_and_run_the_housekeeping(monkeypatch):
    ran = []
    monkeypatch.setattr(
        runs, "recover_stale_runs", lambda **kwargs: ran.append("recover") or runs.Recovery()
    )
    TaskOutbox.objects.create(
        task_path=sweep_registrations.module_path,
        backend=sweep_registrations.backend,
        queue_name=sweep_registrations.queue_name,
    )
    call_command("run_sweeps")
    assert not TaskOutbox.objects.exists()
    assert ran == ["recover"]
    call_command("run_sweeps")  # again: nothing to drain, nothing breaks
    assert ran == ["recover", "recover"]
