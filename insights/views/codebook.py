"""The codebook and the seven core questions as staff see them."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import render

from ..models import CoreQuestion, Theme
from ..permissions import can_manage_codebook, can_view_codebook


@login_required
def codebook(request):
    if not can_view_codebook(request.user):
        raise PermissionDenied
    status = request.GET.get("status", Theme.Status.APPROVED)
    if status not in Theme.Status.values:
        status = Theme.Status.APPROVED
    children = Theme.objects.filter(status=status).prefetch_related("core_questions")
    top_level = (
        Theme.objects.filter(parent__isnull=True)
        .prefetch_related("core_questions", Prefetch("children", queryset=children))
        .order_by("sort_order", "label")
    )
    themes = [t for t in top_level if t.status == status or t.children.all()]
    return render(
        request,
        "insights/codebook.html",
        {
            "themes": themes,
            "status": status,
            "statuses": Theme.Status.choices,
            "can_manage": can_manage_codebook(request.user),
        },
    )


@login_required
def core_questions(request):
    if not can_view_codebook(request.user):
        raise PermissionDenied
    approved = Theme.objects.filter(status=Theme.Status.APPROVED).order_by("label")
    questions = CoreQuestion.objects.prefetch_related(Prefetch("themes", queryset=approved))
    return render(request, "insights/core_questions.html", {"questions": questions})
