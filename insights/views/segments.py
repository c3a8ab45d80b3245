"""The stream of segments, with provenance, for people who code and review."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from engagement.models import Place, StakeholderGroup

from ..models import Segment, SegmentBuild
from ..permissions import can_view_segments


@login_required
def segment_list(request):
    if not can_view_segments(request.user):
        raise PermissionDenied
    segments = Segment.objects.in_analysis().select_related("place").order_by("-said_on", "pk")
    filters = {
        "source_type": Segment.SourceType.values,
        "stakeholder_group": StakeholderGroup.values,
    }
    chosen = {}
    for name, allowed in filters.items():
        value = request.GET.get(name, "")
        if value in allowed:
            segments = segments.filter(**{name: value})
            chosen[name] = value
    place = request.GET.get("place", "")
    if place:
        segments = segments.filter(place__key=place)
        chosen["place"] = place
    page = Paginator(segments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/segments/list.html",
        {
            "page_obj": page,
            "chosen": chosen,
            "source_types": Segment.SourceType.choices,
            "stakeholder_groups": StakeholderGroup.choices,
            "places": Place.objects.order_by("name"),
            "builds": SegmentBuild.objects.exclude(status=SegmentBuild.Status.DONE)[:20],
            "withdrawn": Segment.objects.filter(withdrawn_at__isnull=False).count(),
        },
    )
