"""The codebook and the seven core questions as staff see them, with each theme's page, the
change history and past versions. Changing the codebook: `codebook_actions`; files in and out:
`codebook_transfer`; discovery runs: `codebook_discovery`."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from ..models import CodebookVersion, CoreQuestion, Theme
from ..permissions import (
    can_import_codebook,
    can_manage_codebook,
    can_run_discovery,
    can_view_codebook,
    can_view_codebook_workbench,
)
from ..services.codebook import codebook_current_version
from ..services.codebook_queries import (
    recent_changes,
    theme_history,
    themes_tree,
    with_summaries,
)

ALL = "all"


def allowed_if(check):
    """Signed-in people for whom `check(user)` holds; everyone else gets 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _status_choices(user) -> list[tuple[str, str]]:
    """Candidates and retired themes carry traces of what people said (discovered key terms),
    so only those who code segments may list them."""
    if not can_view_codebook_workbench(user):
        return [(Theme.Status.APPROVED, Theme.Status.APPROVED.label)]
    return [*Theme.Status.choices, (ALL, "Any status")]


@allowed_if(can_view_codebook)
def codebook(request):
    choices = _status_choices(request.user)
    status = request.GET.get("status", Theme.Status.APPROVED)
    if status not in dict(choices):
        status = Theme.Status.APPROVED
    counts = dict(Theme.objects.values_list("status").annotate(n=Count("pk")).order_by())
    workbench = can_view_codebook_workbench(request.user)
    return render(
        request,
        "insights/codebook.html",
        {
            "themes": themes_tree(None if status == ALL else status),
            "status": status,
            "status_label": dict(choices)[status],
            "statuses": [(value, label, counts.get(value)) for value, label in choices],
            "version": codebook_current_version(),
            "changes": with_summaries(recent_changes(10)) if workbench else [],
            "workbench": workbench,
            "can_manage": can_manage_codebook(request.user),
            "can_import": can_import_codebook(request.user),
            "can_discover": can_run_discovery(request.user),
        },
    )


@allowed_if(can_view_codebook)
def core_questions(request):
    approved = Theme.objects.filter(status=Theme.Status.APPROVED).order_by("label")
    questions = CoreQuestion.objects.prefetch_related(Prefetch("themes", queryset=approved))
    return render(request, "insights/core_questions.html", {"questions": questions})


@allowed_if(can_view_codebook_workbench)
def theme_detail(request, key):
    theme = get_object_or_404(
        Theme.objects.select_related("parent", "merged_into", "nearest_theme", "discovery_run"),
        key=key,
    )
    quotes = theme.representative_segments.in_analysis().select_related("place")
    return render(
        request,
        "insights/codebook/theme.html",
        {
            "theme": theme,
            "children": theme.children.order_by("sort_order", "label"),
            "quotes": quotes,
            "history": with_summaries(theme_history(theme)),
            "can_manage": can_manage_codebook(request.user),
        },
    )


@allowed_if(can_view_codebook_workbench)
def history(request):
    page = Paginator(recent_changes(None), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/codebook/history.html",
        {
            "page_obj": page,
            "changes": with_summaries(page),
            "version": codebook_current_version(),
        },
    )


@allowed_if(can_view_codebook)
def version_detail(request, number):
    version = get_object_or_404(CodebookVersion.objects.select_related("created_by"), number=number)
    rows = version.snapshot or []
    labels = {row["key"]: row["label"] for row in rows}
    tree = []
    for row in rows:
        if not row.get("parent"):
            tree.append({**row, "children": [r for r in rows if r.get("parent") == row["key"]]})
    orphans = [r for r in rows if r.get("parent") and r["parent"] not in labels]
    return render(
        request,
        "insights/codebook/version.html",
        {
            "version": version,
            "tree": tree,
            "orphans": orphans,
            "count": len(rows),
            "latest": codebook_current_version(),
            "changes": with_summaries(version.changes.select_related("theme", "actor"))
            if can_view_codebook_workbench(request.user)
            else [],
        },
    )
