"""Roundtables: series, rounds, tables and fast note entry; comparing rounds."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ..forms_capture import (
    RoundtableEventForm,
    RoundtableSeriesForm,
    RoundtableTableForm,
    TableNotesForm,
)
from ..models import RoundtableEvent, RoundtableNote, RoundtableSeries, RoundtableTable
from ..permissions import can_record_roundtables
from ..services.audit import audit_record
from ..services.capture import (
    CaptureError,
    NoteEntry,
    roundtable_note_delete,
    roundtable_notes_add,
    roundtable_series_create,
)


def _require(user) -> None:
    if not can_record_roundtables(user):
        raise PermissionDenied


@login_required
def series_list(request):
    _require(request.user)
    series = RoundtableSeries.objects.prefetch_related("events")
    return render(request, "engagement/roundtables/series_list.html", {"series_list": series})


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request):
    _require(request.user)
    form = RoundtableSeriesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        series = roundtable_series_create(actor=request.user, **form.cleaned_data)
        messages.success(request, "Roundtable series created. Add its first round.")
        return redirect("engagement:roundtable_series", series.public_id)
    return render(request, "engagement/roundtables/series_form.html", {"form": form})


@login_required
def series_detail(request, public_id):
    _require(request.user)
    series = get_object_or_404(RoundtableSeries, public_id=public_id)
    events = series.events.select_related("place").prefetch_related("tables")
    return render(
        request,
        "engagement/roundtables/series_detail.html",
        {"series": series, "events": events, "questions": series.questions.all()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request, public_id):
    _require(request.user)
    series = get_object_or_404(RoundtableSeries, public_id=public_id)
    next_round = (series.events.count() or 0) + 1
    form = RoundtableEventForm(
        request.POST if request.method == "POST" else None,
        series=series,
        initial={"round_number": next_round},
    )
    if request.method == "POST" and form.is_valid():
        event = form.save(commit=False)
        event.series = series
        event.save()
        audit_record("roundtable.event_created", actor=request.user, target=event)
        messages.success(request, f"Round {event.round_number} added. Now add its tables.")
        return redirect("engagement:roundtable_event", event.public_id)
    return render(
        request, "engagement/roundtables/event_form.html", {"form": form, "series": series}
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_detail(request, public_id):
    """The event's tables, and a form to add another table."""
    _require(request.user)
    event = get_object_or_404(
        RoundtableEvent.objects.select_related("series", "place"), public_id=public_id
    )
    form = RoundtableTableForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        table = form.save(commit=False)
        table.event = event
        table.save()
        audit_record("roundtable.table_added", actor=request.user, target=table)
        messages.success(request, f"{table.name} added.")
        return redirect("engagement:roundtable_table", table.public_id)
    tables = event.tables.select_related("facilitator").prefetch_related("notes")
    return render(
        request,
        "engagement/roundtables/event_detail.html",
        {"event": event, "tables": tables, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def table_detail(request, public_id):
    """Fast note entry for one table: every key question on one page."""
    _require(request.user)
    table = get_object_or_404(
        RoundtableTable.objects.select_related("event__series", "event__place", "facilitator"),
        public_id=public_id,
    )
    questions = table.event.series.questions.all()
    form = TableNotesForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entries = [
            NoteEntry(
                question_id=question.pk,
                text=data[f"q{question.pk}_text"],
                horizon=data[f"q{question.pk}_horizon"],
                help_level=data[f"q{question.pk}_help"],
                stakeholder_group=data[f"q{question.pk}_group"],
            )
            for question in questions
        ]
        try:
            count = roundtable_notes_add(table=table, actor=request.user, entries=entries)
        except CaptureError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{count} note{'s' if count != 1 else ''} saved.")
            return redirect("engagement:roundtable_table", table.public_id)
    notes = table.notes.select_related("question")
    return render(
        request,
        "engagement/roundtables/table_detail.html",
        {"table": table, "form": form, "notes": notes},
    )


@login_required
@require_http_methods(["POST"])
def note_delete(request, public_id, note_id):
    _require(request.user)
    note = get_object_or_404(RoundtableNote, pk=note_id, table__public_id=public_id)
    roundtable_note_delete(note=note, actor=request.user)
    messages.success(request, "Note deleted.")
    return redirect("engagement:roundtable_table", public_id)


@login_required
def series_compare(request, public_id):
    """Each key question's notes side by side, round by round, with the balance of time
    horizons and levels of help, so a change between rounds is visible."""
    _require(request.user)
    series = get_object_or_404(RoundtableSeries, public_id=public_id)
    events = list(series.events.order_by("round_number"))
    notes = RoundtableNote.objects.filter(table__event__series=series).select_related(
        "table__event", "question"
    )
    by_cell: dict[tuple[int, int], list[RoundtableNote]] = defaultdict(list)
    for note in notes:
        by_cell[(note.question_id, note.table.event.round_number)].append(note)
    rows = []
    for question in series.questions.all():
        cells = []
        for event in events:
            cell = by_cell[(question.pk, event.round_number)]
            horizons = defaultdict(int)
            for note in cell:
                horizons[note.get_horizon_display() or "Not said"] += 1
            cells.append({"event": event, "notes": cell, "horizons": dict(horizons)})
        rows.append({"question": question, "cells": cells})
    return render(
        request,
        "engagement/roundtables/compare.html",
        {"series": series, "events": events, "rows": rows},
    )
