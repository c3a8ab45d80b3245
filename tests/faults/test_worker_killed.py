"""A worker killed mid-task: the run is re-queued or marked failed where people can see it, and
doing a run again (or twice) never duplicates segments or codes."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from insights.models import Code, CodeEvent, CodingRun, Segment, SegmentBuild
from insights.services import coding
from insights.services import segments as segment_service
from insights.services.segments import build_requested, segments_rebuild
from insights.tasks.coding import code_segments
from insights.tasks.runs import MAX_ATTEMPTS, STALE_AFTER, recover_stale_runs
from insights.tasks.segments import build_segments
from tests.insights.review_support import make_codebook, make_segments

from .support import (
    NOTES,
    WorkerKilled,
    code_rows,
    fail_on_call,
    roundtable_with_notes,
    run_coding,
)

LATER = STALE_AFTER["coding"] + timedelta(minutes=1)


def _one_history_entry_per_code():
    counts = CodeEvent.objects.filter(action="suggested").values("code").annotate(n=Count("id"))
    return {row["n"] for row in counts} == {1} and len(counts) == Code.objects.count()


def _recover(capture, now):
    with capture(execute=True):
        return recover_stale_runs(now=now)


@pytest.mark.django_db
def test_a_coding_job_delivered_twice_codes_once(lead, django_capture_on_commit_callbacks):
    make_codebook()
    make_segments(9)
    run = run_coding(lead, django_capture_on_commit_callbacks)
    codes, events = code_rows(), CodeEvent.objects.count()

    second_copy = code_segments.enqueue(run_id=run.pk)

    assert second_copy.return_value == 0
    run.refresh_from_db()
    assert (run.status, run.attempts) == (CodingRun.Status.DONE, 1)
    assert code_rows() == codes and CodeEvent.objects.count() == events


@pytest.mark.django_db
def test_a_coding_run_whose_worker_was_killed_is_requeued_and_ends_as_one_clean_run_would(
    lead, monkeypatch, django_capture_on_commit_callbacks
):
    make_codebook()
    segments = make_segments(9)
    monkeypatch.setattr(coding, "BATCH_SIZE", 3)
    real_write = coding._write_batch
    monkeypatch.setattr(coding, "_write_batch", fail_on_call(2, WorkerKilled(), real_write))

    run = run_coding(lead, django_capture_on_commit_callbacks)
    # Killed during its second batch: the first batch is kept, the run still says "running".
    assert (run.status, run.attempts, run.done) == (CodingRun.Status.RUNNING, 1, 3)
    assert set(Code.objects.values_list("segment_id", flat=True)) <= {s.pk for s in segments[:3]}
    monkeypatch.setattr(coding, "_write_batch", real_write)

    # A run with a recent heartbeat belongs to a live worker and is left alone.
    assert recover_stale_runs().total == 0
    recovery = _recover(django_capture_on_commit_callbacks, timezone.now() + LATER)

    assert recovery.requeued == {"coding": [run.pk]} and recovery.failed == {}
    run.refresh_from_db()
    assert (run.status, run.attempts, run.done) == (CodingRun.Status.DONE, 2, 9)
    recovered = code_rows()
    assert {segment_id for segment_id, *_ in recovered} == {s.pk for s in segments}
    assert _one_history_entry_per_code()

    Code.objects.all().delete()
    assert run_coding(lead, django_capture_on_commit_callbacks).status == CodingRun.Status.DONE
    assert code_rows() == recovered


@pytest.mark.django_db
def test_a_run_that_keeps_losing_its_worker_is_marked_failed_with_a_reason_people_see(
    client, lead, monkeypatch, django_capture_on_commit_callbacks
):
    make_codebook()
    make_segments(3)

    def killed(*args, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr(coding, "_write_batch", killed)
    run = run_coding(lead, django_capture_on_commit_callbacks)
    later = timezone.now()
    for _ in range(MAX_ATTEMPTS - 1):
        later += LATER
        assert _recover(django_capture_on_commit_callbacks, later).requeued == {"coding": [run.pk]}
    run.refresh_from_db()
    assert (run.status, run.attempts) == (CodingRun.Status.RUNNING, MAX_ATTEMPTS)

    recovery = _recover(django_capture_on_commit_callbacks, later + LATER)

    assert recovery.failed == {"coding": [run.pk]} and recovery.requeued == {}
    run.refresh_from_db()
    assert run.status == CodingRun.Status.FAILED
    assert f"The worker stopped while running this, {MAX_ATTEMPTS} times" in run.error
    client.force_login(lead)
    page = client.get(reverse("insights:coding_run", args=[run.pk])).content.decode()
    assert "Failed" in page and "The worker stopped while running this" in page
    # A failed run is finished: later passes leave it alone.
    assert _recover(django_capture_on_commit_callbacks, later + 3 * LATER).total == 0


@pytest.mark.django_db
def test_a_queued_run_whose_job_was_lost_is_queued_again(lead, django_capture_on_commit_callbacks):
    make_codebook()
    make_segments(3)
    # The commit happened but the job never reached the queue (the callback is dropped).
    with django_capture_on_commit_callbacks(execute=False):
        run = coding.coding_run_start(user=lead, segment_filter={})

    recovery = _recover(django_capture_on_commit_callbacks, timezone.now() + LATER)

    assert recovery.requeued == {"coding": [run.pk]}
    run.refresh_from_db()
    assert (run.status, run.attempts) == (CodingRun.Status.DONE, 1)


def _segments_of(key):
    return list(
        Segment.objects.from_source(*key)
        .order_by("position")
        .values_list("pk", "source_part", "position", "text")
    )


@pytest.mark.django_db
def test_segment_builds_run_twice_or_killed_before_commit_never_duplicate_segments(
    monkeypatch, django_capture_on_commit_callbacks
):
    table = roundtable_with_notes(NOTES)
    key = ("roundtable", str(table.public_id))
    with django_capture_on_commit_callbacks(execute=True):
        build = build_requested(*key)
    build.refresh_from_db()
    assert (build.status, build.attempts) == (SegmentBuild.Status.DONE, 1)
    first = _segments_of(key)
    assert len(first) >= len(NOTES)

    assert build_segments.enqueue(build_id=build.pk).return_value == 0  # a second copy
    with django_capture_on_commit_callbacks(execute=True):
        build_requested(*key)  # an explicit rebuild updates the same rows in place
    assert _segments_of(key) == first

    # A new record whose worker is killed after writing its segments, before the commit.
    other = roundtable_with_notes(NOTES)
    other_key = ("roundtable", str(other.public_id))
    real_replace = segment_service._replace_segments

    def replace_then_die(*args, **kwargs):
        real_replace(*args, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(segment_service, "_replace_segments", replace_then_die)
    with django_capture_on_commit_callbacks(execute=True):
        killed = build_requested(*other_key)
    killed.refresh_from_db()
    assert killed.status == SegmentBuild.Status.RUNNING
    assert _segments_of(other_key) == []  # nothing half-written
    monkeypatch.setattr(segment_service, "_replace_segments", real_replace)

    recovery = _recover(django_capture_on_commit_callbacks, timezone.now() + LATER)

    assert recovery.requeued == {"segments": [killed.pk]}
    killed.refresh_from_db()
    assert (killed.status, killed.attempts) == (SegmentBuild.Status.DONE, 2)
    rebuilt = _segments_of(other_key)
    # The same notes give the same pieces (parts name the note rows, which differ).
    pieces = [(pos, text) for _, _, pos, text in rebuilt]
    assert pieces == [(pos, text) for _, _, pos, text in first]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_two_workers_building_one_record_at_once_make_one_set_of_segments(
    monkeypatch,
):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers are tested on PostgreSQL (run with DATABASE_URL set).")
    table = roundtable_with_notes(NOTES)
    key = ("roundtable", str(table.public_id))
    # Both workers reach the record's lock at the same moment; without the lock both would
    # read "no segments yet" and both insert.
    arrive = threading.Barrier(2)
    real_lock = segment_service._lock_record

    def lock_together(*args):
        arrive.wait(timeout=30)
        real_lock(*args)

    monkeypatch.setattr(segment_service, "_lock_record", lock_together)
    errors = []

    def build():
        try:
            segments_rebuild(*key)
        except Exception as error:  # reported below rather than lost in the thread
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    rows = _segments_of(key)
    positions = [pos for _, _, pos, _ in rows]
    assert len(rows) >= len(NOTES) and positions == sorted(set(positions))
