"""Options and criteria of the appraisal: read by every viewer, added, changed and deleted by
leads."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from engagement.services.audit import audit_record

from ...forms_decisions_editing import CriterionForm, OptionForm
from ...models import Appraisal, Criterion, Option, Theme
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


def _delete(request, *, item, kind, name, used_by, back, done, event):
    """Confirm, then delete ``item`` and audit it; refused while an appraisal uses it.

    An appraisal's weights and scores are a record of how a decision was reached, so an option
    or criterion in use stays until a lead takes it out of those appraisals (frozen versions
    keep their own copy and are never affected).
    """
    used_by = list(used_by)
    if request.method == "POST" and not used_by:
        with transaction.atomic():
            audit_record(event, actor=request.user, target=item, key=item.key)
            item.delete()
        messages.success(request, f"{name} deleted.")
        return redirect(done)
    return render(
        request,
        "insights/decisions/decision_delete.html",
        {"kind": kind, "name": name, "used_by": used_by, "back": back},
        status=409 if used_by and request.method == "POST" else 200,
    )


@managers
def option_delete(request, key):
    item = get_object_or_404(Option, key=key)
    return _delete(
        request,
        item=item,
        kind="option",
        name=item.title,
        used_by=item.appraisals.order_by("title"),
        back=reverse("insights:option", args=[item.key]),
        done="insights:options",
        event="decisions.option_deleted",
    )


@managers
def criterion_delete(request, key):
    item = get_object_or_404(Criterion, key=key)
    used_by = (
        Appraisal.objects.filter(Q(weights__criterion=item) | Q(scores__criterion=item))
        .distinct()
        .order_by("title")
    )
    return _delete(
        request,
        item=item,
        kind="criterion",
        name=item.name,
        used_by=used_by,
        back=reverse("insights:criteria"),
        done="insights:criteria",
        event="decisions.criterion_deleted",
    )
