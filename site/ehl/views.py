"""Shell views: the work-area dashboard and the health check."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from engagement.permissions import can_use_work_area, organisations_for
from engagement.roles import Role, user_roles
from insights.models import CoreQuestion, Theme


@login_required
def dashboard(request):
    if not can_use_work_area(request.user):
        # Residents sign in to see their own sign-ups and data; the work area is for staff.
        return redirect("account_overview")
    roles = user_roles(request.user)
    organisations = organisations_for(request.user).select_related("place")
    context = {
        "roles": sorted(role.label for role in roles),
        "organisations": organisations[:10],
        "organisation_count": organisations.count(),
        "theme_count": Theme.objects.filter(status=Theme.Status.APPROVED).count(),
        "candidate_count": Theme.objects.filter(status=Theme.Status.CANDIDATE).count(),
        "question_count": CoreQuestion.objects.count(),
        "is_lead": bool(roles & {Role.LEAD, Role.ADMIN}),
    }
    return render(request, "work/dashboard.html", context)


def _database_status() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the type is reported, not hidden
        return {"ok": False, "error": type(exc).__name__}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _task_queue_status() -> dict:
    backend = settings.TASKS["default"]["BACKEND"]
    status: dict = {"backend": backend.rsplit(".", 1)[-1]}
    try:
        if backend.endswith("RQBackend"):
            from redis import Redis
            from rq import Queue

            connection = Redis.from_url(
                settings.RQ_QUEUES["default"]["URL"], socket_connect_timeout=1, socket_timeout=1
            )
            connection.ping()
            status["queued"] = Queue("default", connection=connection).count
        elif backend.endswith("DatabaseBackend"):
            from django_tasks_db.models import DBTaskResult

            status["queued"] = DBTaskResult.objects.ready().count()
        status["ok"] = True
    except Exception as exc:  # report the failure kind; never raise from the health check
        status.update(ok=False, error=type(exc).__name__)
    return status


@never_cache
@require_GET
def healthz(request):
    database = _database_status()
    tasks = _task_queue_status()
    healthy = database["ok"] and tasks["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "database": database, "tasks": tasks},
        status=200 if healthy else 503,
    )
