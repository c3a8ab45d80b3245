"""Theme reports: the report for any filter, its exports, the segments behind each figure, and
publishing a snapshot for partners. Access is decided in insights.permissions ("Reports")."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from engagement.services.audit import audit_record

from ..exports import DOCX_TYPE, XLSX_TYPE, report_csv, report_docx, report_xlsx
from ..filters import SegmentFilterForm, describe_filter
from ..forms_reports import FigureForm, PublishReportForm
from ..models import Theme
from ..permissions import can_publish_reports, can_view_reports, can_view_segments
from ..services.report_charts import charts_for
from ..services.report_figures import segments_behind
from ..services.reports import quarter_label, round_label, theme_report, with_links

EXPORT_FORMATS = ("csv", "xlsx", "docx")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _filter(data) -> tuple[SegmentFilterForm, dict | None]:
    """The report filter from a query string: (form, filter), filter None when it is invalid."""
    form = SegmentFilterForm(data or None)
    if not form.is_bound:
        return form, {}
    return form, (form.as_filter() if form.is_valid() else None)


def _segments_url(segment_filter: dict):
    base = reverse("insights:report_segments")

    def url_for(theme, **extra):
        params = {**segment_filter, "theme": theme}
        params.update({k: v for k, v in extra.items() if v is not None})
        return f"{base}?{urlencode(params)}"

    return url_for


@login_required
def report(request):
    _require(can_view_reports(request.user))
    form, segment_filter = _filter(request.GET)
    context = {"form": form, "can_publish": can_publish_reports(request.user)}
    if segment_filter is not None:
        payload = theme_report(segment_filter)
        if can_view_segments(request.user):
            payload = with_links(payload, _segments_url(segment_filter))
        context.update(
            report=payload,
            charts=charts_for(payload),
            query=urlencode(segment_filter),
        )
    return render(request, "insights/reports/report.html", context)


@login_required
def report_export(request, fmt):
    _require(can_view_reports(request.user))
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, segment_filter = _filter(request.GET)
    if segment_filter is None:
        # Bad filter: back to the report, which shows what is wrong and keeps what was typed.
        return redirect(f"{reverse('insights:report')}?{request.GET.urlencode()}")
    payload = theme_report(segment_filter)
    audit_record(
        "report.exported",
        actor=request.user,
        format=fmt,
        filter=segment_filter,
        codebook_version=payload["codebook_version"],
    )
    filename = "theme-report"
    if fmt == "csv":
        response = HttpResponse(report_csv(payload), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(report_xlsx(payload), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(report_docx(payload), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def report_segments(request):
    """The segments behind one figure of a report: same filter, plus the theme (and round,
    quarter or second theme). Only people who may see segments; withdrawn ones never."""
    _require(can_view_segments(request.user))
    _, segment_filter = _filter(request.GET.copy())
    figure = FigureForm(request.GET)
    if segment_filter is None or not figure.is_valid():
        raise Http404
    wanted = figure.cleaned_data
    report_url = f"{reverse('insights:report')}?{urlencode(segment_filter)}"
    if not wanted["theme"]:
        # No figure chosen: say where to choose one rather than listing everything.
        return render(
            request,
            "insights/reports/segments.html",
            {"report_url": report_url, "filter_text": describe_filter(segment_filter)},
        )
    segments = segments_behind(
        segment_filter,
        wanted["theme"],
        round_key=wanted["round"],
        quarter=wanted["quarter"],
        with_theme=wanted["with_theme"],
    )
    if segments is None:
        raise Http404
    labels = dict(
        Theme.objects.filter(key__in=[wanted["theme"], wanted["with_theme"] or ""]).values_list(
            "key", "label"
        )
    )
    page = Paginator(segments.select_related("place").order_by("-said_on", "pk"), 50).get_page(
        request.GET.get("page")
    )
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "insights/reports/segments.html",
        {
            "figure": True,
            "page_obj": page,
            "theme_label": labels.get(wanted["theme"], wanted["theme"]),
            "with_label": labels.get(wanted["with_theme"]) if wanted["with_theme"] else None,
            "period": round_label(wanted["round"])
            if wanted["round"]
            else (quarter_label(wanted["quarter"]) if wanted["quarter"] else None),
            "filter_text": describe_filter(segment_filter),
            "report_url": report_url,
            "query": keep.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_publish(request):
    """Publish the report for a filter as a snapshot page for partners."""
    _require(can_publish_reports(request.user))
    data = request.POST if request.method == "POST" else request.GET
    _, segment_filter = _filter(data)
    if segment_filter is None:
        return redirect(f"{reverse('insights:report')}?{request.GET.urlencode()}")
    form = PublishReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        page_model = apps.get_model("pages", "ThemeReportPage")
        page = page_model.publish_from_report(
            parent=form.cleaned_data["parent"],
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
            segment_filter=segment_filter,
            include_quotes=form.cleaned_data["include_quotes"],
            user=request.user,
        )
        audit_record(
            "report.published",
            actor=request.user,
            target=page,
            filter=segment_filter,
            codebook_version=page.codebook_version,
            quotes=page.include_quotes,
        )
        messages.success(request, "Report published. Partners can now read this snapshot.")
        return redirect(page.url)
    return render(
        request,
        "insights/reports/publish.html",
        {
            "form": form,
            "filter_items": sorted(segment_filter.items()),
            "filter_text": describe_filter(segment_filter),
            "query": urlencode(segment_filter),
            "no_parents": not form.fields["parent"].queryset.exists(),
        },
    )
