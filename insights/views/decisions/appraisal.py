"""Options appraisal: appraisals, weights, scores, ranking with sensitivity, versions, report."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from engagement.services.audit import audit_record

from ...forms_decisions import AppraisalForm, FreezeForm, ScoresForm, WeightsForm
from ...models import Appraisal, Criterion, Option
from ...permissions import can_manage_decisions
from ...services import appraisal_data
from ...services.appraisal_words import describe
from .common import managers, viewers


@viewers
def appraisal_list(request):
    return render(
        request,
        "insights/decisions/appraisals.html",
        {
            "appraisals": Appraisal.objects.prefetch_related("options", "versions"),
            "options": Option.objects.prefetch_related("cohorts"),
            "can_manage": can_manage_decisions(request.user),
        },
    )


@managers
def appraisal_add(request):
    form = AppraisalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = appraisal_data.create_appraisal(
            request.user, data["title"], data["purpose"], data["options"]
        )
        messages.success(request, "Appraisal created. Score each option, then check the weights.")
        return redirect("insights:appraisal", pk=created.pk)
    return render(request, "insights/decisions/appraisal_form.html", {"form": form})


def _context(appraisal, draws=None):
    current = appraisal_data.state(appraisal, **({"draws": draws} if draws else {}))
    return {
        "appraisal": appraisal,
        "state": current,
        "words": describe(current),
        "versions": appraisal.versions.select_related("created_by"),
    }


@viewers
def appraisal(request, pk):
    item = get_object_or_404(Appraisal, pk=pk)
    context = _context(item)
    context.update(can_manage=can_manage_decisions(request.user), freeze_form=FreezeForm())
    return render(request, "insights/decisions/appraisal.html", context)


@viewers
def appraisal_report(request, pk):
    item = get_object_or_404(Appraisal, pk=pk)
    return render(request, "insights/decisions/appraisal_report.html", _context(item))


@managers
def appraisal_weights(request, pk):
    item = get_object_or_404(Appraisal, pk=pk)
    rows = list(item.weights.select_related("criterion"))
    form = WeightsForm(request.POST or None, weights=rows)
    if request.method == "POST" and form.is_valid():
        appraisal_data.set_weights(item, form.weights())
        messages.success(request, "Weights saved.")
        return redirect("insights:appraisal", pk=item.pk)
    return render(
        request, "insights/decisions/appraisal_weights.html", {"form": form, "appraisal": item}
    )


@managers
def appraisal_score(request, pk, option):
    item = get_object_or_404(Appraisal, pk=pk)
    chosen = get_object_or_404(item.options, key=option)
    criteria = [
        w.criterion
        for w in item.weights.select_related("criterion")
        if w.criterion.source == Criterion.Source.SCORED
    ]
    existing = {
        s.criterion.key: s
        for s in item.scores.filter(option=chosen)
        .select_related("criterion")
        .prefetch_related("evidence_themes")
    }
    form = ScoresForm(request.POST or None, criteria=criteria, existing=existing)
    if request.method == "POST" and form.is_valid():
        changed = 0
        for criterion in criteria:
            score = form.cleaned_data[f"s{criterion.pk}"]
            rationale = form.cleaned_data[f"r{criterion.pk}"]
            themes = list(form.cleaned_data[f"t{criterion.pk}"])
            url = form.cleaned_data[f"u{criterion.pk}"]
            old = existing.get(criterion.key)
            if score is None:
                if old:
                    old.delete()
                    changed += 1
                continue
            if (
                old
                and (old.score, old.rationale, old.evidence_url) == (score, rationale, url)
                and {t.pk for t in old.evidence_themes.all()} == {t.pk for t in themes}
            ):
                continue  # unchanged: keep who scored it first
            appraisal_data.record_score(
                item, chosen, criterion, request.user, score, rationale, themes, url
            )
            changed += 1
        messages.success(request, f"Scores for {chosen.title} saved ({changed} changed).")
        return redirect("insights:appraisal", pk=item.pk)
    return render(
        request,
        "insights/decisions/appraisal_score.html",
        {"form": form, "appraisal": item, "option": chosen, "existing": existing},
    )


@require_POST
@managers
def appraisal_freeze(request, pk):
    item = get_object_or_404(Appraisal, pk=pk)
    form = FreezeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        version = appraisal_data.freeze_version(item, request.user, note)
    except ValueError as error:
        messages.error(request, f"No version saved: {error}")
    else:
        audit_record(
            "decisions.appraisal_version", actor=request.user, target=item, number=version.number
        )
        messages.success(request, f"Saved as version {version.number}.")
    return redirect("insights:appraisal", pk=item.pk)


@viewers
def appraisal_version(request, pk, number):
    item = get_object_or_404(Appraisal, pk=pk)
    version = get_object_or_404(item.versions, number=number)
    snap = version.snapshot
    titles = {o["key"]: o["title"] for o in snap.get("options", [])}
    names = {c["key"]: c["name"] for c in snap.get("criteria", [])}
    ranking = snap.get("ranking") or {"options": [], "totals": [], "ranks": []}
    ranked = sorted(
        zip(ranking["options"], ranking["totals"], ranking["ranks"], strict=True),
        key=lambda r: (r[2], titles.get(r[0], "")),
    )
    return render(
        request,
        "insights/decisions/appraisal_version.html",
        {
            "appraisal": item,
            "version": version,
            "ranked": [(titles.get(k, k), total, rank) for k, total, rank in ranked],
            "criteria": snap.get("criteria", []),
            "scores": [
                {
                    **s,
                    "option": titles.get(s["option"], s["option"]),
                    "criterion": names.get(s["criterion"], s["criterion"]),
                }
                for s in snap.get("scores", [])
            ],
        },
    )
