"""Shared bits of the decision views."""

from django.shortcuts import render

from ...permissions import can_manage_decisions, can_view_decisions
from ..codebook import allowed_if

viewers = allowed_if(can_view_decisions)
managers = allowed_if(can_manage_decisions)


@viewers
def hub(request):
    """The front page of the four instruments."""
    return render(
        request,
        "insights/decisions/hub.html",
        {"can_manage": can_manage_decisions(request.user)},
    )
