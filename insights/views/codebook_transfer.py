"""The codebook as files: export as CSV or REFI-QDA (.qdc), and import either with a preview.

An upload is checked and planned, and the plan is shown; the rows wait in the session (they
are codebook text, not personal data) until the lead confirms, when they are planned again
against the codebook as it is then and stored as one new version."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from engagement.services.audit import audit_record

from ..forms_codebook import ImportForm
from ..permissions import can_import_codebook, can_view_codebook_workbench
from ..services.codebook import CodebookError, codebook_current_version
from ..services.codebook_io import (
    FIELD_LABELS,
    CodebookImportError,
    ThemeRow,
    apply_import,
    codebook_rows,
    export_csv,
    parse_csv,
    plan_import,
)
from ..services.qdc import export_qdc, parse_qdc
from .codebook import allowed_if

SESSION_KEY = "insights_codebook_import"


def _download(content, *, content_type: str, extension: str, fmt: str, request, count: int):
    version = codebook_current_version()
    audit_record("codebook.export", actor=request.user, target=version, format=fmt, themes=count)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="ehl-codebook-v{version.number}.{extension}"'
    )
    return response


@allowed_if(can_view_codebook_workbench)
def export_codebook_csv(request):
    rows = codebook_rows()
    # The byte-order mark lets Excel see UTF-8; the importer ignores it.
    return _download(
        "\ufeff" + export_csv(rows),
        content_type="text/csv; charset=utf-8",
        extension="csv",
        fmt="csv",
        request=request,
        count=len(rows),
    )


@allowed_if(can_view_codebook_workbench)
def export_codebook_qdc(request):
    rows = codebook_rows()
    return _download(
        export_qdc(rows),
        content_type="application/xml; charset=utf-8",
        extension="qdc",
        fmt="qdc",
        request=request,
        count=len(rows),
    )


@allowed_if(can_import_codebook)
def import_codebook(request):
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        fmt = form.format
        data = form.cleaned_data["file"].read()
        try:
            rows = parse_qdc(data) if fmt == "qdc" else parse_csv(data)
            plan = plan_import(rows, fmt)
        except CodebookImportError as error:
            for problem in error.problems:
                form.add_error("file", problem)
        else:
            token = uuid.uuid4().hex
            request.session[SESSION_KEY] = {
                "token": token,
                "format": fmt,
                "approve": form.cleaned_data["approve"],
                "rows": [row.as_json() for row in rows],
            }
            return render(
                request,
                "insights/codebook/import_preview.html",
                {
                    "plan": plan,
                    "changed": [
                        (row, [FIELD_LABELS[name] for name in names]) for row, names in plan.changed
                    ],
                    "approve": form.cleaned_data["approve"],
                    "token": token,
                    "filename": form.cleaned_data["file"].name,
                },
            )
    return render(request, "insights/codebook/import.html", {"form": form})


@require_POST
@allowed_if(can_import_codebook)
def import_codebook_confirm(request):
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(
            request, "That import has expired or was already done. Upload the file again."
        )
        return redirect("insights:codebook_import")
    rows = [ThemeRow.from_json(row) for row in pending["rows"]]
    try:
        version = apply_import(request.user, rows, pending["format"], approve=pending["approve"])
    except (CodebookImportError, CodebookError) as error:
        del request.session[SESSION_KEY]
        messages.error(request, f"Nothing was imported. {error}")
        return redirect("insights:codebook_import")
    del request.session[SESSION_KEY]
    messages.success(request, f"Codebook imported as version {version.number}.")
    status = "approved" if pending["approve"] else "candidate"
    return redirect(f"{reverse('insights:codebook')}?status={status}")
