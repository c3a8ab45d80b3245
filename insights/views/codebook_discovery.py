"""Discovery runs: a lead starts one over a segment filter, everyone who codes can watch its
progress and see the candidate themes it proposed."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from ..filters import SegmentFilterForm, describe_filter
from ..models import DiscoveryRun, Theme
from ..permissions import can_run_discovery, can_view_codebook_workbench
from ..services.discovery import MIN_SEGMENTS, discovery_requested, discovery_segments
from .codebook import allowed_if


def _list_page(request, form):
    runs = (
        DiscoveryRun.objects.select_related("started_by", "codebook_version")
        .annotate(n_candidates=Count("candidates"))
        .order_by("-created_at")[:30]
    )
    return render(
        request,
        "insights/codebook/discovery_list.html",
        {
            "runs": [(run, describe_filter(run.segment_filter)) for run in runs],
            "form": form,
            "can_start": can_run_discovery(request.user),
            "min_segments": MIN_SEGMENTS,
        },
    )


@allowed_if(can_view_codebook_workbench)
def discovery_list(request):
    return _list_page(request, SegmentFilterForm() if can_run_discovery(request.user) else None)


@allowed_if(can_run_discovery)
def discovery_start(request):
    if request.method != "POST":
        return _list_page(request, SegmentFilterForm())
    form = SegmentFilterForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form)
    segment_filter = form.as_filter()
    # Said here, not only on the run: the lead can widen the filter straight away.
    available = discovery_segments(segment_filter).count()
    if available < MIN_SEGMENTS:
        form.add_error(
            None,
            f"Only {available} segment{'s' if available != 1 else ''} match this filter; "
            f"discovery needs at least {MIN_SEGMENTS}. Choose a wider filter.",
        )
        return _list_page(request, form)
    run = discovery_requested(request.user, segment_filter)
    messages.success(request, "Discovery started. This page shows its progress.")
    return redirect("insights:discovery_run", pk=run.pk)


@allowed_if(can_view_codebook_workbench)
def discovery_run(request, pk):
    run = get_object_or_404(
        DiscoveryRun.objects.select_related("started_by", "codebook_version"), pk=pk
    )
    candidates = []
    if run.status == DiscoveryRun.Status.DONE:
        themes = (
            Theme.objects.filter(discovery_run=run)
            .select_related("nearest_theme", "merged_into")
            .order_by("-size", "pk")
        )
        for theme in themes:
            quotes = list(theme.representative_segments.in_analysis().order_by("pk")[:3])
            candidates.append((theme, quotes))
    return render(
        request,
        "insights/codebook/discovery_run.html",
        {
            "run": run,
            "filter_description": describe_filter(run.segment_filter),
            "candidates": candidates,
            "can_manage": can_run_discovery(request.user),
        },
    )
