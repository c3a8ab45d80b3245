"""Benchmarking: the programme × core question heatmap, assessments and the printable report."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from ...forms_decisions import AreaForm, AssessmentForm
from ...models import Assessment, CoreQuestion, Programme
from ...permissions import can_manage_decisions
from ...services import benchmarking
from ...services.decision_editing import record_revision
from .common import managers, viewers


def _area(request) -> tuple[AreaForm, str, str]:
    form = AreaForm(request.GET or None)
    area = form.cleaned_data["area"] if form.is_bound and form.is_valid() else ""
    label = dict(form.fields["area"].choices).get(area, "All Places")
    return form, area, label


@viewers
def heatmap(request):
    form, area, label = _area(request)
    questions, rows = benchmarking.heatmap(benchmarking.programmes_in(area))
    return render(
        request,
        "insights/decisions/benchmarking.html",
        {
            "form": form,
            "area": area,
            "area_label": label,
            "questions": questions,
            "rows": rows,
            "summary": benchmarking.rating_summary(rows),
            "styles": benchmarking.RATING_STYLE,
            "ratings": Assessment.Rating.choices,
            "can_manage": can_manage_decisions(request.user),
        },
    )


@viewers
def report(request):
    _form, area, label = _area(request)
    programmes = benchmarking.programmes_in(area)
    questions, rows = benchmarking.heatmap(programmes)
    evidence = {q.pk: benchmarking.suggested_evidence(q) for q in questions}
    return render(
        request,
        "insights/decisions/benchmarking_report.html",
        {
            "area_label": label,
            "questions": questions,
            "rows": rows,
            "summary": benchmarking.rating_summary(rows),
            "ratings": Assessment.Rating.choices,
            "evidence": [(q, evidence[q.pk]) for q in questions],
        },
    )


@managers
def assessment_edit(request, key, question):
    programme = get_object_or_404(Programme, key=key)
    core_question = get_object_or_404(CoreQuestion, key=question)
    instance = Assessment.objects.filter(programme=programme, question=core_question).first()
    form = AssessmentForm(
        request.POST or None,
        instance=instance or Assessment(programme=programme, question=core_question),
    )
    if request.method == "POST" and form.is_valid():
        assessment = form.save(commit=False)
        assessment.documents = form.cleaned_data["documents_text"]
        assessment.assessed_by = request.user
        assessment.save()
        form.save_m2m()
        assessment.quotes.set(form.cleaned_data["quote_ids"])
        record_revision(assessment, request.user)
        messages.success(request, f"Assessment saved for {core_question.short_title}.")
        return redirect("insights:benchmarking")
    return render(
        request,
        "insights/decisions/assessment_form.html",
        {
            "form": form,
            "programme": programme,
            "question": core_question,
            "suggested": benchmarking.suggested_evidence(core_question),
        },
    )
