"""Reading the codebook for its pages: the theme tree, the change history."""

from __future__ import annotations

from ..models import CodebookChange, Theme
from .codebook import Action


def themes_tree(status: str | None = None):
    """Top-level themes with their children (filtered by status; None for every status), for
    the codebook page. A top-level theme is shown when it, or one of its children, matches."""
    themes = list(
        Theme.objects.select_related("merged_into").prefetch_related("core_questions").all()
    )
    matches = (lambda t: True) if status is None else (lambda t: t.status == status)
    children: dict[int, list[Theme]] = {}
    for theme in themes:
        if theme.parent_id:
            children.setdefault(theme.parent_id, []).append(theme)
    tree = []
    for theme in themes:
        if theme.parent_id:
            continue
        kids = [c for c in children.get(theme.pk, []) if matches(c)]
        if matches(theme) or kids:
            theme.tree_children = kids
            tree.append(theme)
    return tree


def recent_changes(limit: int | None = 10):
    changes = CodebookChange.objects.select_related("version", "theme", "actor").order_by(
        "-created_at", "-id"
    )
    return changes[:limit] if limit else changes


def _as_keys(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value or () if isinstance(v, str)]


def theme_history(theme: Theme) -> list[CodebookChange]:
    """The changes that touched a theme, including merges into it and splits that made it."""
    changes = CodebookChange.objects.select_related("version", "actor").order_by(
        "-created_at", "-id"
    )
    own = list(changes.filter(theme=theme))
    # Merges and splits name the other themes in their detail; they are few, so read them here
    # rather than rely on JSON containment lookups that SQLite lacks.
    related = [
        change
        for change in changes.filter(action__in=[Action.MERGE, Action.SPLIT]).exclude(theme=theme)
        if theme.key in _as_keys(change.detail.get("into"))
    ]
    return sorted([*own, *related], key=lambda c: (c.created_at, c.pk), reverse=True)


_FIELD_NAMES = {
    "kind": "kind",
    "parent": "place in the tree",
    "definition": "definition",
    "include_notes": "include notes",
    "exclude_notes": "exclude notes",
    "key_phrases": "key phrases",
    "examples": "examples",
    "core_questions": "core questions",
    "label": "name",
    "include": "include notes",
    "exclude": "exclude notes",
}


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def describe_change(change: CodebookChange) -> str:
    """What a change did, in a sentence for the history (labels as they were at the time)."""
    detail = change.detail or {}
    label = detail.get("label") or (change.theme.label if change.theme_id else "a theme")
    action = change.action
    if action == Action.CREATE:
        how = f" from a {detail['import'].upper()} file" if detail.get("import") else ""
        return f"Added “{label}”{how}"
    if action == Action.EDIT:
        fields = [_FIELD_NAMES.get(name, name) for name in detail.get("fields", [])]
        how = f" from a {detail['import'].upper()} file" if detail.get("import") else ""
        return f"Changed the {_and(fields) if fields else 'details'} of “{label}”{how}"
    if action == Action.RENAME:
        return f"Renamed “{detail.get('label_was', '')}” to “{label}”"
    if action == Action.APPROVE:
        under = f" under “{detail['parent_label']}”" if detail.get("parent_label") else ""
        return f"Approved “{label}”{under}"
    if action == Action.MERGE:
        return f"Merged “{label}” into “{detail.get('into_label') or detail.get('into')}”"
    if action == Action.SPLIT:
        parts = [f"“{name}”" for name in detail.get("into_labels") or detail.get("into") or []]
        return f"Split “{label}” into {_and(parts) if parts else 'new themes'}"
    if action == Action.REJECT:
        return f"Rejected the candidate “{label}”"
    if action == Action.RETIRE:
        return f"Retired “{label}”"
    if action == Action.IMPORT:
        if detail.get("source"):
            return f"Loaded the {detail['source']}: {detail.get('added', 0)} themes added"
        fmt = str(detail.get("format", "")).upper()
        return (
            f"Imported a {fmt} file: {detail.get('added', 0)} added, "
            f"{detail.get('changed', 0)} changed"
        )
    return change.get_action_display()


def with_summaries(changes) -> list[tuple[CodebookChange, str]]:
    return [(change, describe_change(change)) for change in changes]
