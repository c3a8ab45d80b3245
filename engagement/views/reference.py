"""Reference data as staff see it; programme leads edit it in the site editor."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import render

from ..models import AccessFeature, Cohort, SubRegion
from ..permissions import can_view_reference_data


@login_required
def reference(request):
    if not can_view_reference_data(request.user):
        raise PermissionDenied
    sub_regions = SubRegion.objects.prefetch_related("places").annotate(n=Count("places"))
    return render(
        request,
        "engagement/reference.html",
        {
            "sub_regions": sub_regions,
            "cohorts": Cohort.objects.all(),
            "access_features": AccessFeature.objects.all(),
            "can_edit": request.user.has_perm("engagement.change_place"),
        },
    )
