"""Equity audit: upload a census reference or a client extract; compare representation."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from engagement.services.audit import audit_record

from ...forms_decisions import CensusUploadForm, EquityForm, ExtractUploadForm
from ...models import CensusReference, ClientExtract
from ...permissions import can_manage_decisions
from ...services.equity import compare, participant_counts
from ...services.equity_io import EquityUploadError, save_census, save_extract
from .common import managers, viewers


@viewers
def equity(request):
    query = request.GET
    latest = CensusReference.objects.order_by("-created_at").first()
    if not query and latest is not None:
        # Opening the page shows the latest reference against the people who took part, by age,
        # rather than an empty form.
        query = {"reference": latest.pk, "source": "participants", "dimension": "age_band"}
    form = EquityForm(query or None)
    context = {
        "form": form,
        "has_reference": CensusReference.objects.exists(),
        "can_manage": can_manage_decisions(request.user),
    }
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        extract = None
        if data["source"].startswith("extract:"):
            extract = ClientExtract.objects.filter(pk=data["source"].split(":")[1]).first()
        counts = extract.counts if extract else participant_counts()
        context.update(
            comparison=compare(counts, data["reference"].counts, data["dimension"], data["place"]),
            extract=extract,
            reference=data["reference"],
        )
    return render(request, "insights/decisions/equity.html", context)


def _upload(request, form_class, save, template, what):
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        content = data["file"].read()
        try:
            saved = save(request.user, data, content)
        except EquityUploadError as error:
            for problem in error.problems:
                form.add_error("file", problem)
        else:
            audit_record(f"decisions.{what}_uploaded", actor=request.user, target=saved)
            messages.success(request, f"{saved.name} uploaded.")
            return redirect("insights:equity")
    return render(request, template, {"form": form})


@managers
def census_upload(request):
    return _upload(
        request,
        CensusUploadForm,
        lambda user, data, content: save_census(user, data["name"], data["source"], content),
        "insights/decisions/census_upload.html",
        "census",
    )


@managers
def extract_upload(request):
    return _upload(
        request,
        ExtractUploadForm,
        lambda user, data, content: save_extract(user, data["name"], content),
        "insights/decisions/extract_upload.html",
        "extract",
    )
