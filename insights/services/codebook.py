"""Codebook governance: every change a programme lead makes to the themes, versioned.

Each action (create, edit, approve, rename, merge, split, reject, retire, import) runs in one
transaction, writes a `CodebookChange` and makes a new `CodebookVersion` whose snapshot lists
the approved themes at that moment, so a report can name the codebook it was built with.
Machine-proposed themes stay candidates until a person approves them; reports read approved
themes only."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify

from engagement.services.audit import audit_record

from ..models import CodebookChange, CodebookVersion, Theme

Action = CodebookChange.Action
Status = Theme.Status

# The text fields a lead may edit (the label has its own action: rename).
EDITABLE_FIELDS = (
    "kind",
    "parent",
    "definition",
    "include_notes",
    "exclude_notes",
    "key_phrases",
    "examples",
    "core_questions",
)


# Keys that would clash with the codebook's own URLs (codebook/themes/add/).
RESERVED_KEYS = frozenset({"add"})
# Characters XML 1.0 cannot carry, and control characters that have no place in a codebook.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


class CodebookError(ValueError):
    """A governance action that cannot be done, with a message a lead can act on."""


# --- Versions ---------------------------------------------------------------------------------


def codebook_snapshot() -> list[dict]:
    """The approved themes as a version records them, parents before their children."""
    themes = list(
        Theme.objects.filter(status=Status.APPROVED)
        .select_related("parent")
        .prefetch_related("core_questions")
        .order_by("sort_order", "label", "pk")
    )
    ordered = [t for t in themes if t.parent_id is None] + [t for t in themes if t.parent_id]
    return [
        {
            "key": theme.key,
            "label": theme.label,
            "parent": theme.parent.key if theme.parent_id else "",
            "kind": theme.kind,
            "definition": theme.definition,
            "include": theme.include_notes,
            "exclude": theme.exclude_notes,
            "status": theme.status,
            "core_questions": sorted(q.number for q in theme.core_questions.all()),
        }
        for theme in ordered
    ]


def codebook_current_version() -> CodebookVersion:
    """The latest version; the first call on a new install records version 1 from the themes
    approved so far (the starter codebook)."""
    latest = CodebookVersion.objects.order_by("-number").first()
    if latest is not None:
        return latest
    with transaction.atomic():
        version, _ = CodebookVersion.objects.get_or_create(
            number=1,
            defaults={"snapshot": codebook_snapshot(), "note": "The codebook as first loaded"},
        )
    return version


def codebook_version_after_reference_load(themes_added: int) -> CodebookVersion:
    """Called after the starter codebook is loaded: version 1 on a new install; a new version
    when a later load added starter themes, so the snapshot never falls behind."""
    if not CodebookVersion.objects.exists() or not themes_added:
        return codebook_current_version()
    change = record_change(
        Action.IMPORT,
        actor=None,
        detail={"source": "starter codebook", "added": themes_added},
        note="Starter themes loaded",
    )
    return change.version


def record_change(
    action: str, *, actor, theme: Theme | None = None, detail: dict | None = None, note: str = ""
) -> CodebookChange:
    """Make the next version and record one change in it. Runs inside the caller's
    transaction; the latest version row is locked so two leads never get the same number."""
    latest = CodebookVersion.objects.select_for_update().order_by("-number").first()
    number = (latest.number + 1) if latest else 1
    user = actor if getattr(actor, "is_authenticated", False) else None
    version = CodebookVersion.objects.create(
        number=number, snapshot=codebook_snapshot(), created_by=user, note=note[:240]
    )
    change = CodebookChange.objects.create(
        version=version, action=action, theme=theme, detail=detail or {}, actor=user
    )
    audit_record(f"codebook.{action}", actor=user, target=theme, version=number)
    return change


def record_further_change(version: CodebookVersion, action: str, *, actor, theme, detail) -> None:
    """A further change in a version already made (an import touches many themes at once)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    CodebookChange.objects.create(
        version=version, action=action, theme=theme, detail=detail, actor=user
    )


# --- Keys and the tree ------------------------------------------------------------------------


def unique_theme_key(label: str, *, taken: Iterable[str] = ()) -> str:
    """A new theme's key from its label ("Bus fares" -> "bus-fares", then "bus-fares-2")."""
    base = slugify(label)[:70].strip("-") or "theme"
    taken = {*taken, *RESERVED_KEYS}
    key, n = base, 1
    while key in taken or Theme.objects.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def parent_choices(theme: Theme | None = None):
    """Themes a theme may sit under: approved, top level (the tree is theme → sub-theme), and
    not the theme itself."""
    parents = Theme.objects.filter(status=Status.APPROVED, parent__isnull=True)
    if theme is not None and theme.pk:
        parents = parents.exclude(pk=theme.pk)
    return parents.order_by("sort_order", "label")


def live_children(theme: Theme):
    return theme.children.exclude(status=Status.RETIRED)


def check_parent(theme: Theme | None, parent: Theme | None) -> None:
    if parent is None:
        return
    if parent.status != Status.APPROVED:
        raise CodebookError("A theme can only sit under an approved theme.")
    if parent.parent_id is not None:
        raise CodebookError(
            f"“{parent.label}” is itself a sub-theme; choose a top-level theme as the parent."
        )
    if theme is not None and theme.pk:
        if parent.pk == theme.pk:
            raise CodebookError("A theme cannot sit under itself.")
        if live_children(theme).exists():
            raise CodebookError(
                f"“{theme.label}” has sub-themes of its own, so it cannot become a sub-theme."
            )


def clean_text(value: str | None) -> str:
    """Trimmed text with one kind of line break and no control characters."""
    if value is None:
        return ""
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", value).strip()


def clean_label(value: str | None) -> str:
    """A label is one line: runs of whitespace become one space."""
    return " ".join(clean_text(value).split())


def clean_list(values: Iterable[str] | None) -> list[str]:
    """Key phrases and examples: trimmed, blank ones dropped, first occurrence kept."""
    out: list[str] = []
    for value in values or ():
        value = clean_text(value)
        if value and value not in out:
            out.append(value)
    return out


def next_sort_order() -> int:
    last = Theme.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
    return (last or 0) + 1


# --- Actions ----------------------------------------------------------------------------------


@transaction.atomic
def theme_create(
    actor,
    *,
    label: str,
    kind: str,
    definition: str,
    parent: Theme | None = None,
    include_notes: str = "",
    exclude_notes: str = "",
    key_phrases: Iterable[str] = (),
    examples: Iterable[str] = (),
    core_questions: Iterable = (),
    status: str = Status.APPROVED,
) -> Theme:
    """A theme added by a person (a lead adding a theme approves it by doing so)."""
    label = label.strip()
    if not label:
        raise CodebookError("Enter the theme's name.")
    if status not in Status.values:
        raise CodebookError(f"Unknown status {status!r}.")
    check_parent(None, parent)
    theme = Theme.objects.create(
        key=unique_theme_key(label),
        label=label,
        parent=parent,
        kind=kind,
        definition=definition.strip(),
        include_notes=include_notes.strip(),
        exclude_notes=exclude_notes.strip(),
        key_phrases=clean_list(key_phrases),
        examples=clean_list(examples),
        status=status,
        origin=Theme.Origin.PERSON,
        sort_order=next_sort_order(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    theme.core_questions.set(list(core_questions))
    record_change(
        Action.CREATE, actor=actor, theme=theme, detail={"key": theme.key, "label": label}
    )
    return theme


def _current_value(theme: Theme, name: str):
    if name == "core_questions":
        return sorted(theme.core_questions.values_list("pk", flat=True))
    if name == "parent":
        return theme.parent_id
    return getattr(theme, name)


def _new_value(name: str, value):
    if name == "core_questions":
        return sorted(getattr(q, "pk", q) for q in value or ())
    if name == "parent":
        return getattr(value, "pk", value)
    if name in ("key_phrases", "examples"):
        return clean_list(value)
    return clean_text(value) if isinstance(value, str) or value is None else value


@transaction.atomic
def theme_edit(actor, theme: Theme, changes: dict) -> list[str]:
    """Change a theme's definition, notes, examples, key phrases, core questions, kind or
    parent. Returns the names of the fields that changed (none: no new version)."""
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if theme.status == Status.RETIRED:
        raise CodebookError(f"“{theme.label}” is retired and can no longer be edited.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise CodebookError(f"These fields cannot be edited here: {', '.join(sorted(unknown))}.")
    changed = [
        name
        for name, value in changes.items()
        if _new_value(name, value) != _current_value(theme, name)
    ]
    if not changed:
        return []
    if "parent" in changed:
        check_parent(theme, changes["parent"])
    for name in changed:
        if name == "core_questions":
            continue
        value = changes[name]
        setattr(theme, name, _new_value(name, value) if name != "parent" else value)
    theme.save()
    if "core_questions" in changed:
        theme.core_questions.set(list(changes["core_questions"]))
    record_change(
        Action.EDIT, actor=actor, theme=theme, detail={"fields": changed, "label": theme.label}
    )
    return changed


@transaction.atomic
def theme_rename(actor, theme: Theme, label: str) -> Theme:
    """A new name; the key stays, so codes, exports and reports keep pointing at the theme."""
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    label = label.strip()
    if not label:
        raise CodebookError("Enter the new name.")
    if theme.status == Status.RETIRED:
        raise CodebookError(f"“{theme.label}” is retired and can no longer be renamed.")
    if label == theme.label:
        raise CodebookError("That is already the theme's name.")
    old = theme.label
    theme.label = label
    theme.save(update_fields=["label", "updated_at"])
    record_change(
        Action.RENAME, actor=actor, theme=theme, detail={"label_was": old, "label": label}
    )
    return theme


@transaction.atomic
def theme_retire(actor, theme: Theme) -> Theme:
    """Take an approved theme out of use. Its codes stay (history) but reports no longer read
    it, because reports read approved themes only."""
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if theme.status != Status.APPROVED:
        raise CodebookError(f"Only approved themes can be retired; “{theme.label}” is not.")
    if live_children(theme).exists():
        raise CodebookError(
            f"“{theme.label}” still has sub-themes. Retire them or move them elsewhere first."
        )
    theme.status = Status.RETIRED
    theme.save(update_fields=["status", "updated_at"])
    record_change(
        Action.RETIRE, actor=actor, theme=theme, detail={"key": theme.key, "label": theme.label}
    )
    return theme


@transaction.atomic
def theme_approve(
    actor,
    theme: Theme,
    *,
    parent: Theme | None = None,
    label: str | None = None,
    definition: str | None = None,
    kind: str | None = None,
) -> Theme:
    """A person approves a candidate (optionally renaming it, defining it and placing it under
    a parent): from now on it can be coded and reported."""
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if theme.status != Status.CANDIDATE:
        raise CodebookError(f"Only candidates can be approved; “{theme.label}” is not one.")
    check_parent(theme, parent)
    if label is not None and label.strip():
        theme.label = label.strip()
    if definition is not None and definition.strip():
        theme.definition = definition.strip()
    if kind:
        theme.kind = kind
    if not theme.definition.strip():
        raise CodebookError("Write a definition before approving the theme.")
    theme.parent = parent
    theme.status = Status.APPROVED
    theme.sort_order = theme.sort_order or next_sort_order()
    theme.save()
    record_change(
        Action.APPROVE,
        actor=actor,
        theme=theme,
        detail={
            "label": theme.label,
            "parent": parent.key if parent else "",
            "parent_label": parent.label if parent else "",
        },
    )
    return theme


@transaction.atomic
def theme_reject(actor, theme: Theme) -> Theme:
    """A person rejects a candidate: it is retired and never reaches a report."""
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if theme.status != Status.CANDIDATE:
        raise CodebookError(f"Only candidates can be rejected; “{theme.label}” is not one.")
    theme.status = Status.RETIRED
    theme.save(update_fields=["status", "updated_at"])
    record_change(Action.REJECT, actor=actor, theme=theme, detail={"label": theme.label})
    return theme
