"""The audit log viewer for administrators."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from ..models import AuditEvent
from ..permissions import can_view_audit_log


@login_required
def audit_log(request):
    if not can_view_audit_log(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.select_related("actor", "organisation")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return render(
        request,
        "engagement/audit_log.html",
        {"page": page, "action": action, "actions": sorted(set(actions))},
    )
