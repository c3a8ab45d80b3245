"""Options and criteria of the appraisal: read by every viewer, added and changed by leads."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from ...forms_decisions_editing import CriterionForm, OptionForm
from ...models import Criterion, Option, Theme
from ...permissions import can_manage_decisions
from ...services.appraisal_data import stakeholder_support
from .common import managers, viewers


@viewers
def option_list(request):
    """Every option by pillar, with its stakeholder support (people, small numbers hidden)."""
    options = list(Option.objects.prefetch_related("cohorts", "places", "themes"))
    support = stakeholder_support(options)
    return render(
        request,
        "insights/decisions/options.html",
        {
            "rows": [(o, support[o.pk]) for o in options],
            "can_manage": can_manage_decisions(request.user),
        },
    )


@viewers
def option(request, key):
    item = get_object_or_404(
        Option.objects.prefetch_related("cohorts", "places", "themes"), key=key
    )
    return render(
        request,
        "insights/decisions/option.html",
        {
            "option": item,
            "support": stakeholder_support([item])[item.pk],
            "themes": [t for t in item.themes.all() if t.status == Theme.Status.APPROVED],
            "appraisals": item.appraisals.all(),
            "can_manage": can_manage_decisions(request.user),
        },
    )


@managers
def option_edit(request, key=None):
    item = get_object_or_404(Option, key=key) if key else None
    form = OptionForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"{saved.title} saved.")
        return redirect("insights:option", key=saved.key)
    return render(
        request,
        "insights/decisions/option_form.html",
        {"form": form, "item": item},
    )


@viewers
def criterion_list(request):
    return render(
        request,
        "insights/decisions/criteria.html",
        {
            "criteria": Criterion.objects.all(),
            "can_manage": can_manage_decisions(request.user),
        },
    )


@managers
def criterion_edit(request, key=None):
    item = get_object_or_404(Criterion, key=key) if key else None
    form = CriterionForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Criterion “{saved.name}” saved.")
        return redirect("insights:criteria")
    return render(
        request,
        "insights/decisions/criterion_form.html",
        {"form": form, "item": item},
    )
