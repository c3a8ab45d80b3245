"""The audit log viewer for administrators: every entry, filtered by kind of event (who saw or
exported personal data, role changes, deletions and erasures, consent withdrawals, sign-ins), by
exact event name, and by account number (entries by or about that account)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from ..models import AuditEvent, User
from ..permissions import can_view_audit_log

# Kinds of event an administrator asks about, by event name (exact) or prefix (ending ".").
CATEGORIES = {
    "personal-data": (
        "Personal data seen or exported",
        [
            "transcript.viewed",
            "transcript.raw_access_granted",
            "transcript.original_downloaded",
            "survey.exported",
            "focus_group.register_exported",
            "claim.receipt_viewed",
            "report.exported",
            "privacy.own_data_exported",
            "privacy.subject_exported",
            "privacy.subject_searched",
        ],
    ),
    "roles": ("Role changes", ["roles.changed", "user.created", "user.edited"]),
    "deletions": (
        "Deletions and erasures",
        [
            "account.deleted",
            "privacy.subject_erased",
            "retention.enforced",
            "roundtable.note_deleted",
            "decisions.programme_deleted",
        ],
    ),
    "consent": (
        "Consent withdrawn",
        ["survey.consent_withdrawn", "conversation.consent_withdrawn"],
    ),
    "sign-ins": ("Sign-ins and security", ["auth."]),
}


def _category_filter(names: list[str]) -> Q:
    query = Q(pk__in=[])
    for name in names:
        query |= Q(action__startswith=name) if name.endswith(".") else Q(action=name)
    return query


def filtered_events(*, category: str = "", action: str = "", account: str = ""):
    """Audit entries matching the viewer's filters (unknown values filter nothing out)."""
    events = AuditEvent.objects.select_related("actor", "organisation")
    if category in CATEGORIES:
        events = events.filter(_category_filter(CATEGORIES[category][1]))
    if action:
        events = events.filter(action__startswith=action)
    if account.isdigit():
        events = events.filter(
            Q(actor_id=int(account)) | Q(target_type=User._meta.label_lower, target_id=account)
        )
    return events


@login_required
def audit_log(request):
    if not can_view_audit_log(request.user):
        raise PermissionDenied
    category = request.GET.get("category", "").strip()
    action = request.GET.get("action", "").strip()
    account = request.GET.get("account", "").strip()
    events = filtered_events(category=category, action=action, account=account)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    return render(
        request,
        "engagement/audit_log.html",
        {
            "page": page,
            "action": action,
            "actions": sorted(set(actions)),
            "category": category,
            "categories": [(key, label) for key, (label, _names) in CATEGORIES.items()],
            "account": account if account.isdigit() else "",
        },
    )
