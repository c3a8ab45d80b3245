"""The review queue, code history, coding runs and the learned model, for associates and leads.

Every action is a plain POST form that redirects back (so it works without JavaScript);
frontend/js/review.js only adds keyboard shortcuts and progress polling on top."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ..filters import SegmentFilterForm, describe_filter
from ..forms_review import ReviewActionForm
from ..models import Code, CodingRun, ReviewPriority, Segment, SuggesterModel, Theme
from ..permissions import can_review_codes, can_train_model
from ..services import model_progress
from ..services import review as review_service
from ..services.coding import CodingError, coding_run_start
from ..services.review_order import ORDER_USEFUL, ORDERS
from ..services.training import (
    TrainingError,
    latest_model,
    pending_model,
    retrain_request,
    reviews_since_last_model,
    training_readiness,
)
from ..source_parts import part_label

SKIPPED_KEY = "review_skipped"
MAX_SKIPPED = 500


def _require(request, allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _theme_filter(request) -> Theme | None:
    value = request.GET.get("theme", "")
    if not value.isdigit():
        return None
    return Theme.objects.filter(pk=int(value), status=Theme.Status.APPROVED).first()


def _order(request) -> str:
    """The queue order asked for: "most useful to review next" unless another is chosen."""
    value = request.GET.get("order", "")
    return value if value in ORDERS else ORDER_USEFUL


def _query(theme: Theme | None, order: str = ORDER_USEFUL) -> str:
    params = {"theme": theme.pk} if theme else {}
    if order != ORDER_USEFUL:
        params["order"] = order
    return f"?{urlencode(params)}" if params else ""


def _priority(segment: Segment, order: str):
    """Why the segment is at the front of the "most useful" order, when it has a place there."""
    if order != ORDER_USEFUL:
        return None
    return ReviewPriority.objects.select_related("theme").filter(segment=segment).first()


def _skipped(request) -> list[int]:
    return list(request.session.get(SKIPPED_KEY, []))


# -- the queue ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_queue(request):
    """Go to the next segment waiting for review, or say there is none."""
    _require(request, can_review_codes(request.user))
    theme, order = _theme_filter(request), _order(request)
    query = _query(theme, order)
    if request.method == "POST":
        # "Show skipped segments again": forget this person's skips.
        request.session.pop(SKIPPED_KEY, None)
        return redirect(reverse("insights:review_queue") + query)
    segment = review_service.next_in_queue(theme=theme, skipped=_skipped(request), order=order)
    if segment is not None:
        return redirect(reverse("insights:review_segment", args=[segment.pk]) + query)
    return render(
        request,
        "insights/review/empty.html",
        {
            "theme": theme,
            "order": order,
            "orders": ORDERS,
            "skipped": len(_skipped(request)),
            "theme_groups": review_service.theme_groups(),
            "query": query,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_segment(request, segment_id: int):
    """One segment with its context and suggestions, and every decision on it."""
    _require(request, can_review_codes(request.user))
    try:
        segment = review_service.segment_for_review(segment_id)
    except Segment.DoesNotExist:
        raise Http404("No segment to review here") from None
    theme, order = _theme_filter(request), _order(request)
    form = None
    if request.method == "POST":
        form = ReviewActionForm(
            request.POST, segment=segment, auto_id=ReviewActionForm.auto_id_for(request.POST)
        )
        if form.is_valid():
            try:
                return _perform(request, segment, form.cleaned_data, _query(theme, order))
            except review_service.ReviewError as error:
                form.add_error(None, str(error))
    skipped = _skipped(request)
    page = review_service.review_page(segment)
    return render(
        request,
        "insights/review/segment.html",
        {
            "page": page,
            "segment": segment,
            "source_part": part_label(segment),
            "form": form,
            "failed_action": form.data.get("action") if form is not None else "",
            "failed_code": str(form.data.get("code", "")) if form is not None else "",
            "theme": theme,
            "order": order,
            "orders": ORDERS,
            "priority": _priority(segment, order),
            "query": _query(theme, order),
            "theme_groups": review_service.theme_groups(),
            "waiting": review_service.review_queue(theme=theme, skipped=skipped).count(),
        },
    )


def _perform(request, segment: Segment, data: dict, query: str):
    action, user = data["action"], request.user
    here = reverse("insights:review_segment", args=[segment.pk]) + query
    queue = reverse("insights:review_queue") + query
    if action == "accept":
        code = review_service.code_accept(data["code_obj"], user=user)
        messages.success(request, f"Accepted {code.theme.label}.")
    elif action == "reject":
        code = review_service.code_reject(data["code_obj"], user=user)
        messages.success(request, f"Rejected {code.theme.label}.")
    elif action == "add":
        code = review_service.code_add(segment, data["theme_obj"], user=user)
        messages.success(request, f"Added {code.theme.label}.")
    elif action == "change":
        old = data["code_obj"]
        code = review_service.code_change(old, data["theme_obj"], user=user)
        messages.success(request, f"Changed {old.theme.label} to {code.theme.label}.")
    elif action in ("quote", "unquote"):
        review_service.quote_flag(segment, user=user, flagged=action == "quote")
        messages.success(
            request,
            "Flagged as a powerful quote."
            if action == "quote"
            else "The powerful quote flag is removed.",
        )
    elif action == "done":
        review_service.segment_done(segment, user=user)
        messages.success(request, "Segment done. Here is the next one.")
        return redirect(queue)
    else:  # skip
        skipped = [pk for pk in _skipped(request) if pk != segment.pk] + [segment.pk]
        request.session[SKIPPED_KEY] = skipped[-MAX_SKIPPED:]
        return redirect(queue)
    return redirect(here + "#codes")


@login_required
def code_history(request, code_id: int):
    """Everything that happened to one code: who or what made it, and every decision since."""
    _require(request, can_review_codes(request.user))
    code = get_object_or_404(
        Code.objects.select_related("theme", "segment", "coder", "decided_by"),
        pk=code_id,
        segment__in=Segment.objects.in_analysis(),
    )
    return render(
        request,
        "insights/review/history.html",
        {"code": code, "events": review_service.code_history(code)},
    )


# -- coding runs --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def coding_runs(request):
    """Start a coding run over a filter, and see recent runs."""
    _require(request, can_review_codes(request.user))
    form = SegmentFilterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            run = coding_run_start(user=request.user, segment_filter=form.as_filter())
        except CodingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Coding {run.total} segments has started.")
            return redirect("insights:coding_run", run_id=run.pk)
    runs = list(CodingRun.objects.select_related("suggester", "started_by")[:20])
    for run in runs:
        run.described = describe_filter(run.segment_filter)
    return render(
        request,
        "insights/review/runs.html",
        {"form": form, "runs": runs, "model": latest_model()},
    )


@login_required
def coding_run(request, run_id: int):
    """One run's progress (review.js refreshes it while the run is going)."""
    _require(request, can_review_codes(request.user))
    run = get_object_or_404(
        CodingRun.objects.select_related("suggester", "codebook_version"), pk=run_id
    )
    return render(
        request,
        "insights/review/run.html",
        {"run": run, "described": describe_filter(run.segment_filter)},
    )


# -- the learned model --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def suggester_models(request):
    """The learned model's versions and figures; leads can retrain it here."""
    _require(request, can_review_codes(request.user))
    if request.method == "POST":
        _require(request, can_train_model(request.user))
        try:
            model = retrain_request(user=request.user)
        except TrainingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Training version {model.version} of the learned model. It will be listed "
                "here as ready when it is done.",
            )
        return redirect("insights:suggester_models")
    readiness = training_readiness()
    return render(
        request,
        "insights/review/models.html",
        {
            "periods": model_progress.agreement_over_time(),
            "people": model_progress.people_agreement(),
            "needs": model_progress.themes_needing_examples(readiness.theme_counts),
            "needs_below": model_progress.NEEDS_EXAMPLES,
            "models": SuggesterModel.objects.select_related("trained_by", "codebook_version")[:20],
            "latest": latest_model(),
            "pending": pending_model(),
            "readiness": readiness,
            "since": reviews_since_last_model(),
            "retrain_after": settings.EHL_RETRAIN_AFTER_REVIEWS,
            "can_train": can_train_model(request.user),
        },
    )
