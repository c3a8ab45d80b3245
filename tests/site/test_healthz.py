import pytest
from django.test import override_settings


@pytest.mark.django_db
def test_healthz_reports_database_and_task_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["tasks"]["ok"] is True
    assert body["tasks"]["backend"] == "ImmediateBackend"


@pytest.mark.django_db
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_healthz_counts_waiting_work_on_the_database_queue(client):
    body = client.get("/healthz").json()
    assert body["tasks"] == {"backend": "DatabaseBackend", "queued": 0, "ok": True}


@pytest.mark.django_db
@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend"}},
    RQ_QUEUES={"default": {"URL": "redis://127.0.0.1:1/0"}},
)
def test_healthz_is_degraded_when_the_queue_is_unreachable(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["tasks"]["ok"] is False
