"""Capacity holds under a rush of simultaneous sign-ups (PostgreSQL row locks)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from engagement.models import Registration
from tests.factories import FocusGroupFactory, sign_up

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent sign-ups are tested on PostgreSQL (run with DATABASE_URL set).")


def test_fifty_simultaneous_sign_ups_never_overfill_a_ten_place_session(consents):
    focus_group = FocusGroupFactory(capacity=12, reserved_places=2)
    start = threading.Barrier(50)
    errors = []

    def attempt(n):
        try:
            start.wait(timeout=30)
            return sign_up(focus_group, n).status
        except Exception as exc:  # the test reports any error a person would have seen
            errors.append(repr(exc))
            return None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(attempt, range(50)))

    assert errors == []
    assert statuses.count("confirmed") == 10
    assert statuses.count("waitlisted") == 40
    confirmed = Registration.objects.filter(focus_group=focus_group, status="confirmed")
    waiting = Registration.objects.filter(focus_group=focus_group, status="waitlisted")
    assert confirmed.count() == 10 and waiting.count() == 40
    # Arrival order: everyone confirmed got in before everyone waiting.
    last_confirmed = max(confirmed.values_list("created_at", flat=True))
    assert all(w >= last_confirmed for w in waiting.values_list("created_at", flat=True))


def test_the_same_person_submitting_ten_times_at_once_gets_one_registration(consents):
    focus_group = FocusGroupFactory()
    start = threading.Barrier(10)

    def attempt(_):
        try:
            start.wait(timeout=30)
            return sign_up(focus_group, 7).pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        ids = set(pool.map(attempt, range(10)))
    assert len(ids) == 1
    assert Registration.objects.filter(focus_group=focus_group).count() == 1
