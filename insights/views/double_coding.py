"""Double coding: leads make samples and read agreement; the two coders code independently.

A coder's page shows the segment and its provenance only: never the machine's suggestions and
never the other coder's themes, so the two judgements stay independent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ..filters import SegmentFilterForm
from ..forms_review import SampleCodingForm, SampleForm
from ..models import DoubleCodingSample, SampleCoding, Theme
from ..permissions import can_code_sample, can_manage_double_coding, can_review_codes
from ..services import double_coding as service


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def sample_list(request):
    """Leads see every sample; associates see the ones they were given."""
    _require(can_review_codes(request.user))
    samples = DoubleCodingSample.objects.select_related("coder_a", "coder_b")
    manage = can_manage_double_coding(request.user)
    if not manage:
        samples = samples.filter(Q(coder_a=request.user) | Q(coder_b=request.user))
    samples = list(samples[:50])
    for sample in samples:
        sample.progress = service.coder_progress(sample)
        sample.mine = request.user.pk in (sample.coder_a_id, sample.coder_b_id)
    return render(
        request, "insights/double_coding/list.html", {"samples": samples, "can_manage": manage}
    )


@login_required
@require_http_methods(["GET", "POST"])
def sample_create(request):
    _require(can_manage_double_coding(request.user))
    form = SampleForm(request.POST if request.method == "POST" else None)
    filter_form = SegmentFilterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and filter_form.is_valid():
        data = form.cleaned_data
        try:
            sample = service.sample_create(
                name=data["name"],
                coder_a=data["coder_a"],
                coder_b=data["coder_b"],
                size=data["size"],
                segment_filter=filter_form.as_filter(),
                stratify_by=data["stratify_by"],
                created_by=request.user,
            )
        except service.SampleError as error:
            form.add_error("size" if "match" in str(error) else None, str(error))
        else:
            messages.success(
                request,
                f"{sample.segments.count()} segments are ready for "
                f"{sample.coder_a} and {sample.coder_b} to code.",
            )
            return redirect("insights:double_coding_results", sample_id=sample.pk)
    return render(
        request,
        "insights/double_coding/form.html",
        {"form": form, "filter_form": filter_form},
    )


@login_required
def sample_results(request, sample_id: int):
    _require(can_manage_double_coding(request.user))
    sample = get_object_or_404(
        DoubleCodingSample.objects.select_related("coder_a", "coder_b"), pk=sample_id
    )
    return render(
        request,
        "insights/double_coding/results.html",
        {
            "sample": sample,
            "results": service.sample_results(sample),
            "min_segments": service.MIN_SEGMENTS,
            "min_positives": service.MIN_POSITIVES,
        },
    )


def _coder_sample(request, sample_id: int) -> DoubleCodingSample:
    _require(can_review_codes(request.user))
    sample = get_object_or_404(DoubleCodingSample, pk=sample_id)
    _require(can_code_sample(request.user, sample))
    return sample


@login_required
def sample_next(request, sample_id: int):
    """The coder's next uncoded segment, or the list of what they coded when they are done."""
    sample = _coder_sample(request, sample_id)
    segment = service.next_for_coder(sample, request.user)
    if segment is not None:
        return redirect(
            "insights:double_coding_segment", sample_id=sample.pk, segment_id=segment.pk
        )
    coded = (
        SampleCoding.objects.filter(
            sample=sample,
            coder=request.user,
            segment__in=service.sample_segments(sample).values("pk"),
        )
        .select_related("segment")
        .prefetch_related("themes")
        .order_by("segment_id")
    )
    return render(
        request, "insights/double_coding/finished.html", {"sample": sample, "coded": coded}
    )


@login_required
@require_http_methods(["GET", "POST"])
def sample_segment(request, sample_id: int, segment_id: int):
    """Code one segment of the sample (or change what you gave it)."""
    sample = _coder_sample(request, sample_id)
    segment = get_object_or_404(
        service.sample_segments(sample).select_related("place"), pk=segment_id
    )
    mine = (
        SampleCoding.objects.filter(sample=sample, coder=request.user, segment=segment)
        .prefetch_related("themes")
        .first()
    )
    if request.method == "POST":
        form = SampleCodingForm(request.POST)
        if form.is_valid():
            service.sample_code(
                sample, coder=request.user, segment=segment, themes=form.cleaned_data["themes"]
            )
            return redirect("insights:double_coding_code", sample_id=sample.pk)
    else:
        initial = {}
        if mine is not None:
            chosen = list(mine.themes.all())
            initial = {"themes": chosen, "none": not chosen}
        form = SampleCodingForm(initial=initial)
    progress = service.coder_progress(sample)
    done = progress["a"] if request.user.pk == sample.coder_a_id else progress["b"]
    return render(
        request,
        "insights/double_coding/code.html",
        {
            "sample": sample,
            "segment": segment,
            "form": form,
            "groups": _theme_groups(form),
            "done": done,
            "total": progress["total"],
            "already": mine is not None,
        },
    )


def _theme_groups(form) -> list[dict]:
    """The approved themes as checkboxes grouped under their parent theme (a parent with
    approved children is a heading, as in the review queue's list of themes)."""
    if form.is_bound:
        chosen = {str(v) for v in form.data.getlist("themes")}
    else:
        chosen = {str(t.pk) for t in form.initial.get("themes", [])}
    themes = list(Theme.objects.filter(status=Theme.Status.APPROVED).select_related("parent"))
    approved = {t.pk for t in themes}
    # Groups in codebook order, loose themes last.
    themes.sort(
        key=lambda t: (
            (0, t.parent.sort_order, t.parent.label) if t.parent_id in approved else (1, 0, ""),
            t.sort_order,
            t.label,
        )
    )
    headings = {t.parent_id for t in themes if t.parent_id in approved}
    groups: dict[str, list] = {}
    for theme in themes:
        if theme.pk in headings:
            continue
        heading = theme.parent.label if theme.parent_id in approved else "Other themes"
        groups.setdefault(heading, []).append({"theme": theme, "checked": str(theme.pk) in chosen})
    return [{"label": label, "items": items} for label, items in groups.items()]
