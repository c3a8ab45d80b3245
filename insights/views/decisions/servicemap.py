"""Service map: map and list of programmes, coverage matrix, programme pages, CSV in and out."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from engagement.services.audit import audit_record

from ...forms_decisions import CsvUploadForm, ProgrammeForm, ServiceFilterForm
from ...forms_decisions_editing import DeleteProgrammeForm
from ...models import Programme
from ...permissions import can_manage_decisions
from ...services import servicemap
from ...services.decision_editing import delete_programme, programme_history
from .common import managers, viewers

SESSION_KEY = "servicemap_import"


def _filters(request) -> tuple[ServiceFilterForm, str, str]:
    form = ServiceFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["sector"], form.cleaned_data["level"]
    return form, "", ""


@viewers
def service_map(request):
    form, sector, level = _filters(request)
    return render(
        request,
        "insights/decisions/servicemap.html",
        {
            "form": form,
            "spots": servicemap.place_map(sector, level),
            "programmes": servicemap.programmes(sector, level),
            "can_manage": can_manage_decisions(request.user),
            "query": request.GET.urlencode(),
        },
    )


@viewers
def coverage(request):
    form, sector, level = _filters(request)
    return render(
        request,
        "insights/decisions/coverage.html",
        {"form": form, "coverage": servicemap.coverage(sector, level)},
    )


@viewers
def programme(request, key):
    item = get_object_or_404(Programme.objects.prefetch_related("places", "cohorts"), key=key)
    return render(
        request,
        "insights/decisions/programme.html",
        {
            "programme": item,
            "assessments": item.assessments.select_related("question"),
            "history": programme_history(item),
            "can_manage": can_manage_decisions(request.user),
        },
    )


@managers
def programme_delete(request, key):
    """Confirm, then delete a programme with its assessments and their history (they belong to
    it; other records do not point at a programme)."""
    item = get_object_or_404(Programme, key=key)
    assessed = item.assessments.count()
    bound = request.POST if request.method == "POST" else None  # an empty POST still binds
    form = DeleteProgrammeForm(bound) if assessed else None
    if request.method == "POST" and (form is None or form.is_valid()):
        name = item.name
        counts = delete_programme(item)
        audit_record(
            "decisions.programme_deleted",
            actor=request.user,
            key=key,
            assessments=counts["assessments"],
        )
        messages.success(
            request,
            f"{name} deleted"
            + (f", with its {counts['assessments']} assessments." if assessed else "."),
        )
        return redirect("insights:servicemap")
    return render(
        request,
        "insights/decisions/programme_delete.html",
        {"programme": item, "assessed": assessed, "form": form},
    )


@managers
def programme_edit(request, key=None):
    item = get_object_or_404(Programme, key=key) if key else None
    form = ProgrammeForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"{saved.name} saved.")
        return redirect("insights:programme", key=saved.key)
    return render(request, "insights/decisions/programme_form.html", {"form": form, "item": item})


@viewers
def export(request):
    _, sector, level = _filters(request)
    rows = servicemap.programmes(sector, level)
    audit_record(
        "decisions.servicemap_exported",
        actor=request.user,
        count=rows.count(),
        sector=sector,
        level=level,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="service-map.csv"'
    response.write("\ufeff" + servicemap.export_csv(rows))
    return response


@managers
def import_csv(request):
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = servicemap.parse_csv(form.cleaned_data["file"].read())
        except servicemap.ServiceMapImportError as error:
            for problem in error.problems:
                form.add_error("file", problem)
        else:
            token = uuid.uuid4().hex
            request.session[SESSION_KEY] = {
                "token": token,
                "rows": [row.as_json() for row in rows],
            }
            return render(
                request,
                "insights/decisions/import_preview.html",
                {"rows": rows, "token": token, "filename": form.cleaned_data["file"].name},
            )
    return render(request, "insights/decisions/import.html", {"form": form})


@require_POST
@managers
def import_confirm(request):
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, "That import has expired or was already done. Upload it again.")
        return redirect("insights:servicemap_import")
    rows = [servicemap.ProgrammeRow(**row) for row in pending["rows"]]
    del request.session[SESSION_KEY]
    added, updated = servicemap.apply_import(rows)
    audit_record(
        "decisions.servicemap_imported",
        actor=request.user,
        added=added,
        updated=updated,
    )
    messages.success(request, f"Service map imported: {added} added, {updated} updated.")
    return redirect("insights:servicemap")
