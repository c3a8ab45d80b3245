"""The review queue and people's decisions on codes.

The queue holds the in-analysis segments that still have suggested codes for approved themes,
most uncertain first (lowest best score), optionally narrowed to one theme. Every decision a
person makes (accept, reject, add, change, done) writes a `CodeEvent` saying who changed what
from which status to which, and sets `decided_by` / `decided_at` on the code, so a code's
history can always be read back. Machines only ever suggest; only people accept or reject."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max, Prefetch, Q
from django.utils import timezone

from ..models import Code, CodeEvent, Segment, SegmentReview, Theme

logger = logging.getLogger(__name__)

NEIGHBOURS = 2  # segments either side of the one under review, from the same record
# A history action naming the other theme of a change: "changed-to:<theme id>".
CHANGED_TO, CHANGED_FROM = "changed-to", "changed-from"


class ReviewError(Exception):
    """A decision that cannot be made; the message is written for the reviewer."""


# -- the queue ----------------------------------------------------------------------------------


def review_queue(*, theme: Theme | None = None, skipped=(), order: str = "uncertain"):
    """Segments waiting for review, least certain first, or in the "most useful" order.

    "Uncertain" is the lowest best score among a segment's suggestions (for one theme, that
    theme's score). ``order="useful"`` puts first the segments the worker ranked most useful to
    review next (`review_order.py`), then the rest least certain first."""
    waiting = Q(codes__status=Code.Status.SUGGESTED, codes__theme__status=Theme.Status.APPROVED)
    if theme is not None:
        waiting &= Q(codes__theme=theme)
    # One filter() call so the annotation below reads the same joined (suggested) codes.
    queue = Segment.objects.in_analysis().filter(waiting)
    if skipped:
        queue = queue.exclude(pk__in=list(skipped))
    queue = queue.annotate(top=Max("codes__score"))
    if order == "useful":
        return queue.order_by(F("review_priority__rank").asc(nulls_last=True), "top", "pk")
    return queue.order_by("top", "pk")


def next_in_queue(*, theme: Theme | None = None, skipped=(), order: str = "uncertain"):
    """The first segment of the queue, or None when nothing is waiting."""
    return review_queue(theme=theme, skipped=skipped, order=order).first()


def segment_for_review(segment_id: int) -> Segment:
    """A segment that may be reviewed (raises Segment.DoesNotExist for withdrawn ones)."""
    return Segment.objects.in_analysis().select_related("place", "focus_group").get(pk=segment_id)


@dataclass
class ReviewPage:
    """Everything the review page shows about one segment, fetched in a fixed number of queries."""

    segment: Segment
    suggested: list[Code]
    decided: list[Code]
    neighbours: list[Segment]
    review: SegmentReview | None


def review_page(segment: Segment) -> ReviewPage:
    codes = list(
        Code.objects.filter(segment=segment)
        .select_related("theme__parent", "decided_by", "coder")
        .order_by("-score", "theme__label")
    )
    suggested = [
        c
        for c in codes
        if c.status == Code.Status.SUGGESTED and c.theme.status == Theme.Status.APPROVED
    ]
    decided = [c for c in codes if c.status != Code.Status.SUGGESTED]
    decided.sort(key=lambda c: (c.status != Code.Status.ACCEPTED, c.theme.label))
    # Not `in_analysis()`: a facilitator's question (not codable) is context a reviewer needs.
    neighbours = list(
        Segment.objects.filter(
            source_type=segment.source_type,
            source_id=segment.source_id,
            withdrawn_at__isnull=True,
            position__gte=segment.position - NEIGHBOURS,
            position__lte=segment.position + NEIGHBOURS,
        ).order_by("position")
    )
    review = SegmentReview.objects.filter(segment=segment).first()
    return ReviewPage(segment, suggested, decided, neighbours, review)


def theme_groups() -> list[dict]:
    """Approved themes for a select: children grouped under their parent ({"label", "options"}
    with options as (id, label)); parents with no approved children come last, ungrouped."""
    children = Theme.objects.filter(status=Theme.Status.APPROVED).order_by("sort_order", "label")
    top = (
        Theme.objects.filter(status=Theme.Status.APPROVED, parent__isnull=True)
        .prefetch_related(Prefetch("children", queryset=children, to_attr="approved_children"))
        .order_by("sort_order", "label")
    )
    groups, loose = [], []
    for theme in top:
        if theme.approved_children:
            options = [(c.pk, c.label) for c in theme.approved_children]
            groups.append({"label": theme.label, "options": options})
        else:
            loose.append((theme.pk, theme.label))
    if loose:
        groups.append({"label": "", "options": loose})
    return groups


def theme_choices(groups: list[dict] | None = None) -> list:
    """The same themes as Django form choices (optgroups for parents)."""
    choices: list = []
    for group in theme_groups() if groups is None else groups:
        if group["label"]:
            choices.append((group["label"], group["options"]))
        else:
            choices.extend(group["options"])
    return choices


# -- decisions ----------------------------------------------------------------------------------


def _decide(code: Code, to_status: str, user, action: str) -> Code:
    from_status = code.status
    code.status = to_status
    code.decided_by = user
    code.decided_at = timezone.now()
    code.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    CodeEvent.objects.create(
        code=code, action=action, from_status=from_status, to_status=to_status, actor=user
    )
    return code


def _locked(code: Code) -> Code:
    """The code as it is now, locked for this transaction (two reviewers may act at once)."""
    return Code.objects.select_for_update().get(pk=code.pk)


def _retrain_if_due() -> None:
    from .review_order import rerank_if_due
    from .training import retrain_if_due

    try:
        # A new model brings a new order with it (training asks for one when it is done).
        if retrain_if_due() is None:
            rerank_if_due()
    except Exception:
        # The decision is saved whatever happens here; the next one will try again.
        logger.exception("could not check whether the learned model or queue order is due")


def _after_decision() -> None:
    transaction.on_commit(_retrain_if_due)


@transaction.atomic
def code_accept(code: Code, *, user) -> Code:
    """A person agrees with a code. Accepting an accepted code changes nothing."""
    code = _locked(code)
    if code.status != Code.Status.ACCEPTED:
        _decide(code, Code.Status.ACCEPTED, user, "accepted")
        _after_decision()
    return code


@transaction.atomic
def code_reject(code: Code, *, user) -> Code:
    """A person says the theme does not apply. Rejecting a rejected code changes nothing."""
    code = _locked(code)
    if code.status != Code.Status.REJECTED:
        _decide(code, Code.Status.REJECTED, user, "rejected")
        _after_decision()
    return code


@transaction.atomic
def code_add(segment: Segment, theme: Theme, *, user, action: str = "added") -> Code:
    """A person codes a segment with a theme of their choosing (accepted at once)."""
    if theme.status != Theme.Status.APPROVED:
        raise ReviewError("Choose an approved theme.")
    code = Code.objects.select_for_update().filter(segment=segment, theme=theme).first()
    if code is None:
        now = timezone.now()
        code = Code.objects.create(
            segment=segment,
            theme=theme,
            origin=Code.Origin.PERSON,
            status=Code.Status.ACCEPTED,
            coder=user,
            decided_by=user,
            decided_at=now,
        )
        CodeEvent.objects.create(
            code=code, action=action, from_status="", to_status=Code.Status.ACCEPTED, actor=user
        )
    elif code.status == Code.Status.ACCEPTED:
        raise ReviewError(f"This segment is already coded with {theme.label}.")
    else:
        _decide(code, Code.Status.ACCEPTED, user, action)
    _after_decision()
    return code


@transaction.atomic
def code_change(code: Code, theme: Theme, *, user) -> Code:
    """Replace a code's theme with another: the old theme is rejected and the new one accepted,
    each with a history entry naming the other."""
    code = _locked(code)
    if theme.pk == code.theme_id:
        raise ReviewError("Choose a different theme to change the code to.")
    if theme.status != Theme.Status.APPROVED:
        raise ReviewError("Choose an approved theme.")
    new = code_add(code.segment, theme, user=user, action=f"{CHANGED_FROM}:{code.theme_id}")
    _decide(code, Code.Status.REJECTED, user, f"{CHANGED_TO}:{theme.pk}")
    return new


@transaction.atomic
def quote_flag(segment: Segment, *, user, flagged: bool) -> SegmentReview:
    """Flag (or unflag) a segment as a powerful quote for reports."""
    review, _ = SegmentReview.objects.select_for_update().get_or_create(segment=segment)
    review.powerful_quote = flagged
    review.save(update_fields=["powerful_quote"])
    return review


@transaction.atomic
def segment_done(segment: Segment, *, user) -> SegmentReview:
    """A person has settled a segment: suggestions they did not accept are rejected (each with
    its own history entry) and the segment leaves the queue."""
    waiting = Code.objects.select_for_update().filter(segment=segment, status=Code.Status.SUGGESTED)
    for code in waiting:
        _decide(code, Code.Status.REJECTED, user, "rejected-on-done")
    review, _ = SegmentReview.objects.select_for_update().get_or_create(segment=segment)
    review.reviewed_by = user
    review.reviewed_at = timezone.now()
    review.save(update_fields=["reviewed_by", "reviewed_at"])
    _after_decision()
    return review


# -- history ------------------------------------------------------------------------------------

ACTION_LABELS = {
    "suggested": "Suggested",
    "rescored": "Suggested again with a new score",
    "accepted": "Accepted",
    "rejected": "Rejected",
    "added": "Added",
    "rejected-on-done": "Rejected when the segment was marked done",
    # Written by `segments._reopen_codes` when a rebuilt record's words were edited.
    "words-changed": "Back to review: the words were edited after it was decided",
}


def code_history(code: Code) -> list[dict]:
    """The code's events, oldest first, in words: what happened, who or what did it, when."""
    events = list(code.events.select_related("actor"))
    other_ids = {
        int(e.action.split(":", 1)[1])
        for e in events
        if e.action.startswith((CHANGED_TO + ":", CHANGED_FROM + ":"))
    }
    labels = dict(Theme.objects.filter(pk__in=other_ids).values_list("pk", "label"))
    out = []
    for event in events:
        kind, _, other = event.action.partition(":")
        if kind == CHANGED_TO:
            what = f"Changed to {labels.get(int(other), 'another theme')}"
        elif kind == CHANGED_FROM:
            what = f"Added in place of {labels.get(int(other), 'another theme')}"
        else:
            what = ACTION_LABELS.get(event.action, event.action.replace("-", " ").capitalize())
        out.append(
            {
                "what": what,
                "by": str(event.actor) if event.actor_id else event.actor_label or "the system",
                "from_status": event.from_status,
                "to_status": event.to_status,
                "when": event.created_at,
            }
        )
    return out
