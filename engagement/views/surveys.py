"""Survey results for programme leads: counts per choice, free-text answers, CSV and XLSX.

Counts go through the same suppression as the reports: fewer than 5 people is never shown, and
where a question's figures sit beside the number of responses (with "no answer" among them),
another figure is hidden so that no small one can be worked out by subtraction."""

from __future__ import annotations

import io
from collections import Counter

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from wagtail.models import Page

from ..exports import csv_response, safe_cell
from ..models import SurveyResponse
from ..permissions import can_view_survey_results
from ..services.audit import audit_record
from ..suppression import SHOWN, SMALL, Cell, is_small, suppress

CHOICE_TYPES = {"dropdown", "radio", "checkboxes", "checkbox"}


def _survey(public_page_id: int):
    page = get_object_or_404(Page, pk=public_page_id).specific
    if not hasattr(page, "get_form_fields") or not hasattr(page, "ask_demographics"):
        raise Http404
    return page


def _require(user) -> None:
    if not can_view_survey_results(user):
        raise PermissionDenied


@login_required
def survey_list(request):
    _require(request.user)
    # Survey pages are a page type of the site shell; found by type so engagement need not
    # import the site.
    pages = Page.objects.filter(
        content_type__app_label="pages", content_type__model="surveypage"
    ).order_by("title")
    surveys = [(page, _people(SurveyResponse.objects.filter(page=page).count())) for page in pages]
    return render(request, "engagement/surveys/list.html", {"surveys": surveys})


def _people(count: int) -> Cell:
    """A count shown on its own, with no total beside it: only the primary rule applies."""
    return Cell.of(count, SMALL if is_small(count) else SHOWN)


TOTAL, NO_ANSWER = ("total",), ("no answer",)


def _choice_counts(answers: list, total: int) -> list[tuple[str, Cell]]:
    """Each choice's count and "No answer", suppressed as figures that add up to ``total``."""
    counts: Counter[str] = Counter()
    answered = 0
    for answer in answers:
        given = answer if isinstance(answer, list) else [answer]
        values = [str(v) for v in given if v not in (None, "")]
        answered += bool(values)
        counts.update(values)
    choices = [(("choice", value), value, n) for value, n in counts.most_common()]
    values = {key: n for key, _, n in choices}
    values[NO_ANSWER], values[TOTAL] = total - answered, total
    status = suppress(values, [([*values.keys() - {TOTAL}], TOTAL)])
    rows = [(label, Cell.of(n, status[key])) for key, label, n in choices]
    if values[NO_ANSWER]:
        rows.append(("No answer", Cell.of(values[NO_ANSWER], status[NO_ANSWER])))
    return rows


@login_required
def survey_results(request, page_id):
    _require(request.user)
    page = _survey(page_id)
    responses = list(SurveyResponse.objects.filter(page=page).order_by("submit_time"))
    total = len(responses)
    questions = []
    for field in page.get_form_fields():
        answers = [r.form_data.get(field.clean_name) for r in responses]
        if field.field_type in CHOICE_TYPES:
            counts = _choice_counts(answers, total) if answers else []
            questions.append({"field": field, "counts": counts, "texts": []})
        else:
            texts = [str(a) for a in answers if str(a or "").strip()]
            questions.append({"field": field, "counts": [], "texts": texts})
    return render(
        request,
        "engagement/surveys/results.html",
        {
            "page": page,
            "total": _people(total),
            "questions": questions,
            "threshold": settings.EHL_SMALL_NUMBER_THRESHOLD,
        },
    )


def _rows(page):
    fields = list(page.get_form_fields())
    header = ["Response", "Submitted", "Anonymous", "Consent version"] + [f.label for f in fields]
    rows = []
    for response in SurveyResponse.objects.filter(page=page).select_related("consent"):
        values = []
        for field in fields:
            value = response.form_data.get(field.clean_name, "")
            values.append(", ".join(map(str, value)) if isinstance(value, list) else value)
        rows.append(
            [
                str(response.public_id)[:8],
                response.submit_time.strftime("%Y-%m-%d %H:%M"),
                "yes" if response.anonymous else "no",
                response.consent.version,
                *values,
            ]
        )
    return header, rows


@login_required
def survey_export(request, page_id, fmt):
    """The answers only: no names, emails or 'about you' answers ever leave in an export."""
    _require(request.user)
    page = _survey(page_id)
    header, rows = _rows(page)
    audit_record("survey.exported", actor=request.user, target=page, format=fmt, rows=len(rows))
    filename = f"survey-{page.slug}"
    if fmt == "csv":
        return csv_response(f"{filename}.csv", header, rows)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Answers"
    sheet.append([safe_cell(value) for value in header])  # labels are typed by editors
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
