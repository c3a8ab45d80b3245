"""The database going away in the middle of a sign-up or a coding run.

The person sees a plain "try again" page (503, not a server error), nothing half-done is kept,
and trying again works. The fault is injected after the first write inside the transaction, so a
missing `atomic` would leave a row behind; on PostgreSQL the connection is also cut for real."""

import uuid

import pytest
from django.core import mail
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.urls import reverse

from engagement.models import AuditEvent, Registration
from engagement.services import registrations
from insights.models import Code, CodeEvent, CodingRun
from insights.services import coding
from insights.tasks.runs import DATABASE_LOST
from tests.insights.review_support import make_codebook, make_segments

from .support import code_rows, fail_on_call, run_coding, terminate_own_connection

LOST = [
    OperationalError("server closed the connection unexpectedly"),
    InterfaceError("connection already closed"),
]


def _form(**overrides):
    return {
        "name": "Jo Bloggs",
        "email": "jo@example.org",
        "contact_preference": "email",
        "consent_take_part": "on",
        "submission_key": str(uuid.uuid4()),
        **overrides,
    }


def _assert_retry_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Sorry, the service is unavailable" in html
    assert "has not been saved" in html and "try again" in html
    assert "Traceback" not in html and "Error" not in html


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("error", LOST, ids=lambda e: type(e).__name__)
def test_a_sign_up_that_loses_the_database_saves_nothing_and_a_retry_signs_up_once(
    client, focus_group, monkeypatch, error
):
    url = reverse("focus_groups:signup", args=[focus_group.public_id])
    form = _form()
    # The registration row is written, then the audit entry beside it fails.
    failing = fail_on_call(1, error, registrations.audit_record)
    monkeypatch.setattr(registrations, "audit_record", failing)

    _assert_retry_page(client.post(url, form))
    assert failing.calls["n"] == 1
    assert not Registration.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="registration.").exists()
    assert mail.outbox == []

    monkeypatch.undo()
    response = client.post(url, form)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.email, registration.status) == ("jo@example.org", "confirmed")
    assert AuditEvent.objects.filter(action="registration.created").count() == 1
    assert [m.to for m in mail.outbox] == [["jo@example.org"]]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_a_connection_cut_mid_sign_up_rolls_back_and_the_retry_works(
    client, focus_group, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("Cutting a live connection needs PostgreSQL (run with DATABASE_URL set).")
    url = reverse("focus_groups:signup", args=[focus_group.public_id])
    form = _form()
    real_audit = registrations.audit_record

    def cut_then_audit(*args, **kwargs):
        terminate_own_connection()  # the registration INSERT has run; its COMMIT never will
        return real_audit(*args, **kwargs)

    monkeypatch.setattr(registrations, "audit_record", cut_then_audit)
    _assert_retry_page(client.post(url, form))
    monkeypatch.undo()
    # What Django does when every request finishes: drop a connection that is no longer usable.
    close_old_connections()

    assert not Registration.objects.exists()
    response = client.post(url, form)
    assert response.status_code == 302
    assert Registration.objects.get().email == "jo@example.org"


@pytest.mark.django_db
@pytest.mark.parametrize("error", LOST, ids=lambda e: type(e).__name__)
def test_a_coding_run_that_loses_the_database_keeps_only_whole_batches_and_says_so(
    client, lead, monkeypatch, django_capture_on_commit_callbacks, error
):
    make_codebook()
    segments = make_segments(9)
    monkeypatch.setattr(coding, "BATCH_SIZE", 3)
    # The second batch writes its codes, then the history rows beside them fail.
    monkeypatch.setattr(
        CodeEvent.objects, "bulk_create", fail_on_call(2, error, CodeEvent.objects.bulk_create)
    )

    failed = run_coding(lead, django_capture_on_commit_callbacks)

    assert failed.status == CodingRun.Status.FAILED
    assert failed.error == DATABASE_LOST
    assert failed.finished_at is not None
    first_batch = {s.pk for s in segments[:3]}
    assert set(Code.objects.values_list("segment_id", flat=True)) <= first_batch
    assert Code.objects.exists()
    assert CodeEvent.objects.count() == Code.objects.count()  # no code without its history

    client.force_login(lead)
    page = client.get(reverse("insights:coding_run", args=[failed.pk])).content.decode()
    assert "Failed" in page and "connection to the database was lost" in page

    monkeypatch.undo()
    retried = run_coding(lead, django_capture_on_commit_callbacks)
    assert retried.status == CodingRun.Status.DONE
    after_retry = code_rows()
    assert {segment_id for segment_id, *_ in after_retry} == {s.pk for s in segments}
    assert CodeEvent.objects.filter(action="suggested").count() == Code.objects.count()

    # The interrupted run and its retry leave exactly what one clean run would.
    Code.objects.all().delete()
    assert run_coding(lead, django_capture_on_commit_callbacks).status == CodingRun.Status.DONE
    assert code_rows() == after_retry


@pytest.mark.django_db
def test_starting_a_coding_run_while_the_database_is_away_shows_the_retry_page(
    client, lead, monkeypatch, django_capture_on_commit_callbacks
):
    make_codebook()
    make_segments(3)
    client.force_login(lead)
    url = reverse("insights:coding_runs")
    # The run row is written, then queueing it (a write to the task queue's table) fails.
    monkeypatch.setattr(
        coding, "enqueue_on_commit", fail_on_call(1, OperationalError("gone"), lambda *a, **k: 0)
    )
    _assert_retry_page(client.post(url, {}))
    assert not CodingRun.objects.exists()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {})
    assert response.status_code == 302
    assert CodingRun.objects.get().status == CodingRun.Status.DONE
