"""Merging and splitting themes: the governance actions that move codes between themes.

Codes keep one row per (segment, theme): when a merge brings two codes on the same segment
together, the stronger decision survives and the history of both is kept on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from ..models import Code, CodeEvent, SampleCoding, Theme
from .codebook import (
    Action,
    CodebookError,
    Status,
    check_parent,
    clean_list,
    live_children,
    next_sort_order,
    record_change,
    unique_theme_key,
)

# Which status a merged code keeps when both themes coded the same segment: a person's
# acceptance outranks a suggestion, and a suggestion outranks a rejection.
_STATUS_RANK = {Code.Status.ACCEPTED: 2, Code.Status.SUGGESTED: 1, Code.Status.REJECTED: 0}


def merge_targets(theme: Theme):
    """Themes another theme may be merged into: live ones other than itself and its children.
    An approved theme merges into approved themes only, so its codes never drop out of reports
    into a candidate; a candidate may also merge into another candidate."""
    targets = Theme.objects.exclude(pk=theme.pk).exclude(parent=theme)
    if theme.status == Status.APPROVED:
        targets = targets.filter(status=Status.APPROVED)
    else:
        targets = targets.exclude(status=Status.RETIRED)
    return targets.order_by("sort_order", "label")


def _move_codes(source: Theme, target: Theme, actor, action: str) -> tuple[int, int]:
    """Move every code from `source` to `target`, keeping one code per (segment, theme).

    Where both themes coded the same segment the two codes become one: the stronger decision
    (accepted > suggested > rejected) wins and the history of both is kept on the survivor.
    Returns (codes moved, codes combined)."""
    return _move_code_rows(source.codes.all(), target, actor, action)


def _move_code_rows(codes, target: Theme, actor, action: str) -> tuple[int, int]:
    codes = list(codes.select_for_update())
    existing = {
        code.segment_id: code
        for code in Code.objects.select_for_update().filter(
            theme=target, segment_id__in=[c.segment_id for c in codes]
        )
    }
    user = actor if getattr(actor, "is_authenticated", False) else None
    moved = combined = 0
    events = []
    for code in codes:
        survivor = existing.get(code.segment_id)
        if survivor is None:
            code.theme = target
            code.save(update_fields=["theme", "updated_at"])
            events.append(CodeEvent(code=code, action=action, actor=user, **_same(code)))
            moved += 1
            continue
        before = survivor.status
        if _STATUS_RANK[code.status] > _STATUS_RANK[survivor.status]:
            survivor.status = code.status
            survivor.decided_by, survivor.decided_at = code.decided_by, code.decided_at
            survivor.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        # The merged code's history joins the survivor's before the row goes.
        CodeEvent.objects.filter(code=code).update(code=survivor)
        code.delete()
        events.append(
            CodeEvent(
                code=survivor,
                action=action,
                actor=user,
                from_status=before,
                to_status=survivor.status,
            )
        )
        combined += 1
    CodeEvent.objects.bulk_create(events)
    return moved, combined


def _same(code: Code) -> dict:
    return {"from_status": code.status, "to_status": code.status}


@transaction.atomic
def theme_merge(actor, source: Theme, target: Theme) -> Theme:
    """Merge `source` into `target`: its codes (and double-coding judgements) move to the
    target, its sub-themes move under the target, and it is retired pointing at the target."""
    source = Theme.objects.select_for_update().get(pk=source.pk)
    target = Theme.objects.select_for_update().get(pk=target.pk)
    if source.status == Status.RETIRED:
        raise CodebookError(f"“{source.label}” is retired and cannot be merged.")
    if not merge_targets(source).filter(pk=target.pk).exists():
        raise CodebookError(f"“{source.label}” cannot be merged into “{target.label}”.")
    children = list(live_children(source))
    if children and target.parent_id is not None:
        raise CodebookError(
            f"“{source.label}” has sub-themes, and “{target.label}” is a sub-theme itself. "
            "Merge into a top-level theme, or move the sub-themes first."
        )
    moved, combined = _move_codes(source, target, actor, "merge")
    for coding in SampleCoding.objects.filter(themes=source):
        coding.themes.remove(source)
        coding.themes.add(target)
    Theme.objects.filter(pk__in=[c.pk for c in children]).update(parent=target)
    target.key_phrases = clean_list([*target.key_phrases, *source.key_phrases])
    target.save(update_fields=["key_phrases", "updated_at"])
    source.status = Status.RETIRED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into", "updated_at"])
    record_change(
        Action.MERGE,
        actor=actor,
        theme=source,
        detail={
            "from": source.key,
            "into": target.key,
            "label": source.label,
            "into_label": target.label,
            "codes_moved": moved,
            "codes_combined": combined,
        },
    )
    return target


@dataclass
class SplitPart:
    """One of the themes a split makes: its name, definition and the quotes that go with it."""

    label: str
    definition: str = ""
    segment_ids: Sequence[int] = field(default_factory=list)


@transaction.atomic
def theme_split(actor, theme: Theme, parts: Sequence[SplitPart], *, approve: bool = False):
    """Split a theme into two or more new ones, choosing which representative quotes (and
    which coded segments) go to each. The new themes are candidates unless `approve`; the
    original is retired. Codes on segments given to a part move there; codes on segments
    given to none move to the first part as suggestions, for a person to look at again."""
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if theme.status == Status.RETIRED:
        raise CodebookError(f"“{theme.label}” is retired and cannot be split.")
    parts = [p for p in parts if p.label.strip()]
    if len(parts) < 2:
        raise CodebookError("Name at least two themes to split into.")
    labels = [p.label.strip().casefold() for p in parts]
    if len(set(labels)) != len(labels):
        raise CodebookError("Give each new theme a different name.")
    seen: set[int] = set()
    for part in parts:
        overlap = seen & set(part.segment_ids)
        if overlap:
            raise CodebookError("Each quote can go to one new theme only.")
        seen |= set(part.segment_ids)
    if live_children(theme).exists():
        raise CodebookError(
            f"“{theme.label}” has sub-themes. Move or merge them before splitting it."
        )
    if approve:
        check_parent(None, theme.parent)
    new_status = Status.APPROVED if approve else Status.CANDIDATE
    quotes = set(theme.representative_segments.values_list("pk", flat=True))
    created: list[Theme] = []
    for part in parts:
        definition = part.definition.strip() or theme.definition
        if approve and not definition:
            raise CodebookError(f"Write a definition for “{part.label.strip()}” to approve it.")
        new = Theme.objects.create(
            key=unique_theme_key(part.label, taken=[t.key for t in created]),
            label=part.label.strip(),
            parent=theme.parent,
            kind=theme.kind,
            definition=definition,
            include_notes=theme.include_notes,
            exclude_notes=theme.exclude_notes,
            status=new_status,
            origin=theme.origin,
            discovery_run=theme.discovery_run,
            key_terms=list(theme.key_terms),
            size=len(part.segment_ids),
            nearest_theme=theme.nearest_theme,
            nearest_similarity=theme.nearest_similarity,
            sort_order=next_sort_order(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        new.core_questions.set(list(theme.core_questions.all()))
        new.representative_segments.set([pk for pk in part.segment_ids if pk in quotes])
        created.append(new)
    for part, new in zip(parts, created, strict=True):
        _move_code_rows(theme.codes.filter(segment_id__in=part.segment_ids), new, actor, "split")
    user = actor if getattr(actor, "is_authenticated", False) else None
    events = []
    for code in theme.codes.select_for_update():
        # Nobody has said which new theme this segment belongs to: ask again.
        events.append(
            CodeEvent(
                code=code,
                action="split",
                actor=user,
                from_status=code.status,
                to_status=Code.Status.SUGGESTED,
            )
        )
        code.theme, code.status = created[0], Code.Status.SUGGESTED
        code.decided_by = code.decided_at = None
        code.save(update_fields=["theme", "status", "decided_by", "decided_at", "updated_at"])
    CodeEvent.objects.bulk_create(events)
    theme.status = Status.RETIRED
    theme.save(update_fields=["status", "updated_at"])
    record_change(
        Action.SPLIT,
        actor=actor,
        theme=theme,
        detail={
            "from": theme.key,
            "label": theme.label,
            "into": [t.key for t in created],
            "into_labels": [t.label for t in created],
            "approved": approve,
        },
    )
    return created
