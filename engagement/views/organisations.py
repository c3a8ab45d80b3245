"""Organisations in the work area: partners see their own; leads and administrators see all."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from ..models import Organisation
from ..permissions import (
    can_manage_organisation,
    can_use_work_area,
    can_view_organisation,
    organisations_for,
)


@login_required
def organisation_list(request):
    if not can_use_work_area(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    organisations = organisations_for(request.user).select_related("place")
    if kind in Organisation.Kind.values:
        organisations = organisations.filter(kind=kind)
    return render(
        request,
        "engagement/organisation_list.html",
        {"organisations": organisations, "kinds": Organisation.Kind.choices, "kind": kind},
    )


@login_required
def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.select_related("place"), slug=slug)
    if not can_use_work_area(request.user):
        raise PermissionDenied
    if not can_view_organisation(request.user, organisation):
        # 404 rather than 403: a partner should not learn which other organisations exist.
        raise Http404
    return render(
        request,
        "engagement/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": organisation.memberships.select_related("user").order_by(
                "user__last_name", "user__first_name"
            ),
            "can_manage": can_manage_organisation(request.user, organisation),
        },
    )
