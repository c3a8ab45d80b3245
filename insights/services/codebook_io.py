"""Moving the codebook in and out: CSV here, REFI-QDA (.qdc) in `qdc.py`, one import path.

Both formats become a list of `ThemeRow`s. An import is planned first (what would be added,
what would change, nothing stored) so a lead can preview it, then applied in one transaction
as one new codebook version. New themes arrive as candidates unless the lead approves them on
import; an import never changes the status of a theme already in the codebook. A malformed file
raises `CodebookImportError` naming the row (or XML position) at fault, and nothing is stored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields

from django.db import transaction
from django.utils.text import slugify

from ..models import CodebookVersion, CoreQuestion, Theme
from .codebook import (
    RESERVED_KEYS,
    Action,
    CodebookError,
    clean_label,
    clean_list,
    clean_text,
    next_sort_order,
    record_change,
    record_further_change,
)

CSV_COLUMNS = (
    "key",
    "label",
    "parent",
    "kind",
    "status",
    "definition",
    "include",
    "exclude",
    "key_phrases",
    "examples",
    "core_questions",
)
LIST_SEPARATOR = "|"
MAX_THEMES = 2000
MAX_PROBLEMS = 20
KEY_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")
# Cells a spreadsheet would run as a formula are exported with a leading apostrophe
# (CSV injection); the importer takes exactly one apostrophe off again.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CodebookImportError(ValueError):
    """A codebook file that cannot be imported; `problems` says where and why, in words."""

    def __init__(self, problems: str | Sequence[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class ThemeRow:
    """One theme as a file describes it. `None` means the file does not say (a REFI-QDA file
    from another tool has no include notes, say), so the theme's current value is kept."""

    key: str
    label: str
    parent: str = ""
    kind: str | None = None
    status: str | None = None
    definition: str | None = None
    include: str | None = None
    exclude: str | None = None
    key_phrases: tuple[str, ...] | None = None
    examples: tuple[str, ...] | None = None
    core_questions: tuple[int, ...] | None = None
    where: str = field(default="", compare=False)

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ThemeRow:
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        for name in ("key_phrases", "examples", "core_questions"):
            if values.get(name) is not None:
                values[name] = tuple(values[name])
        return cls(**values)


# --- Text helpers -----------------------------------------------------------------------------


def split_list(value: str | None) -> tuple[str, ...]:
    return tuple(clean_list(clean_text(part) for part in (value or "").split(LIST_SEPARATOR)))


def join_list(values: Iterable) -> str:
    return LIST_SEPARATOR.join(str(v) for v in values or ())


def parse_kind(value: str | None, where: str) -> str | None:
    """A kind by value or label ("barrier", "System issue"); blank means not given."""
    value = clean_label(value).casefold()
    if not value:
        return None
    for kind in Theme.Kind:
        if value in (kind.value, str(kind.label).casefold()):
            return kind.value
    allowed = ", ".join(Theme.Kind.values)
    raise CodebookImportError(f"{where}: kind “{value}” is not one of {allowed}")


def parse_status(value: str | None, where: str) -> str | None:
    value = clean_label(value).casefold()
    if not value:
        return None
    for status in Theme.Status:
        if value in (status.value, str(status.label).casefold()):
            return status.value
    allowed = ", ".join(Theme.Status.values)
    raise CodebookImportError(f"{where}: status “{value}” is not one of {allowed}")


def parse_numbers(value: str | None, where: str) -> tuple[int, ...]:
    numbers = []
    for part in split_list(value):
        if not part.isdigit() or len(part) > 4:
            raise CodebookImportError(f"{where}: core question “{part}” is not a number")
        if int(part) not in numbers:
            numbers.append(int(part))
    return tuple(sorted(numbers))


def check_key(key: str, where: str) -> str:
    if len(key) > 80 or not KEY_PATTERN.match(key):
        raise CodebookImportError(
            f"{where}: key “{key[:40]}” must be up to 80 letters, digits, hyphens or underscores"
        )
    return key


def key_for_label(label: str, where: str) -> str:
    key = slugify(label)[:80].strip("-")
    if not key:
        raise CodebookImportError(f"{where}: give the theme a key (its name has no letters)")
    return key


# --- The codebook as rows ---------------------------------------------------------------------


def codebook_rows(themes=None) -> list[ThemeRow]:
    """Every theme (or the given ones) as rows, each parent followed by its children."""
    themes = list(
        (themes if themes is not None else Theme.objects.all())
        .select_related("parent")
        .prefetch_related("core_questions")
        .order_by("sort_order", "label", "pk")
    )
    by_parent: dict[int | None, list[Theme]] = {}
    for theme in themes:
        by_parent.setdefault(theme.parent_id, []).append(theme)
    ids = {theme.pk for theme in themes}
    ordered: list[Theme] = []

    def walk(parent_id):
        for theme in by_parent.get(parent_id, []):
            ordered.append(theme)
            walk(theme.pk)

    walk(None)
    # Themes whose parent was left out of the selection still appear, at the end.
    ordered += [t for t in themes if t.parent_id and t.parent_id not in ids]
    return [
        ThemeRow(
            key=theme.key,
            label=theme.label,
            parent=theme.parent.key if theme.parent_id else "",
            kind=theme.kind,
            status=theme.status,
            definition=theme.definition,
            include=theme.include_notes,
            exclude=theme.exclude_notes,
            key_phrases=tuple(theme.key_phrases or ()),
            examples=tuple(theme.examples or ()),
            core_questions=tuple(sorted(q.number for q in theme.core_questions.all())),
        )
        for theme in ordered
    ]


# --- CSV ----------------------------------------------------------------------------------------


def _escape_cell(value: str) -> str:
    return "'" + value if value.lstrip("'").startswith(_FORMULA_STARTS) else value


def _unescape_cell(value: str) -> str:
    if value.startswith("'") and value.lstrip("'").startswith(_FORMULA_STARTS):
        return value[1:]
    return value


def export_csv(rows: Iterable[ThemeRow]) -> str:
    """The codebook as CSV text, one theme a row, lists joined by "|"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        cells = [
            row.key,
            row.label,
            row.parent,
            row.kind or "",
            row.status or "",
            row.definition or "",
            row.include or "",
            row.exclude or "",
            join_list(row.key_phrases),
            join_list(row.examples),
            join_list(row.core_questions),
        ]
        writer.writerow([_escape_cell(cell) for cell in cells])
    return out.getvalue()


def decode_upload(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CodebookImportError(
            f"The file is not UTF-8 text (the problem is at byte {error.start + 1}). "
            "Save it from your spreadsheet as “CSV UTF-8” and try again."
        ) from None


def parse_csv(data: bytes) -> list[ThemeRow]:
    """Rows from a codebook CSV. Only the `label` column is required; a missing column means
    the file says nothing about that field."""
    text = decode_upload(data)
    if "\x00" in text:
        raise CodebookImportError("The file contains a NUL character, so it is not a CSV file.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise CodebookImportError(f"Row 1: {error}") from None
    if not header:
        raise CodebookImportError("The file is empty.")
    columns = [clean_label(_unescape_cell(h)).casefold().replace(" ", "_") for h in header]
    if "label" not in columns:
        raise CodebookImportError(
            f"Row 1 must name the columns, including “label” (expected: {', '.join(CSV_COLUMNS)})."
        )
    rows: list[ThemeRow] = []
    problems: list[str] = []
    try:
        for cells in reader:
            where = f"Row {reader.line_num}"
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                problems.append(f"{where} has more cells than there are columns")
                continue
            if len(rows) >= MAX_THEMES:
                raise CodebookImportError(f"The file has more than {MAX_THEMES} themes.")
            values = dict(zip(columns, (_unescape_cell(c) for c in cells), strict=False))
            try:
                rows.append(_csv_row(values, columns, where))
            except CodebookImportError as error:
                problems.extend(error.problems)
            if len(problems) >= MAX_PROBLEMS:
                break
    except csv.Error as error:
        problems.append(f"Row {reader.line_num}: {error}")
    if problems:
        raise CodebookImportError(problems[:MAX_PROBLEMS])
    if not rows:
        raise CodebookImportError("The file has a header row but no themes.")
    return rows


def _csv_row(values: dict, columns: list[str], where: str) -> ThemeRow:
    def given(name):
        return name in columns

    label = clean_label(values.get("label"))
    if not label:
        raise CodebookImportError(f"{where}: the label is empty")
    if len(label) > 160:
        raise CodebookImportError(f"{where}: the label is longer than 160 characters")
    key = clean_label(values.get("key"))
    key = check_key(key, where) if key else key_for_label(label, where)
    parent = clean_label(values.get("parent"))
    if parent:
        check_key(parent, f"{where} (parent)")
    return ThemeRow(
        key=key,
        label=label,
        parent=parent,
        kind=parse_kind(values.get("kind"), where),
        status=parse_status(values.get("status"), where),
        definition=clean_text(values.get("definition")) if given("definition") else None,
        include=clean_text(values.get("include")) if given("include") else None,
        exclude=clean_text(values.get("exclude")) if given("exclude") else None,
        key_phrases=split_list(values.get("key_phrases")) if given("key_phrases") else None,
        examples=split_list(values.get("examples")) if given("examples") else None,
        core_questions=(
            parse_numbers(values.get("core_questions"), where) if given("core_questions") else None
        ),
        where=where,
    )


# --- Planning and applying an import -----------------------------------------------------------


@dataclass
class ImportPlan:
    """What an import would do: the rows, and which are new, changed or already the same."""

    format: str
    rows: list[ThemeRow]
    added: list[ThemeRow] = field(default_factory=list)
    changed: list[tuple[ThemeRow, list[str]]] = field(default_factory=list)
    unchanged: list[ThemeRow] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed)


# Row field -> Theme field, for the fields an import may change on an existing theme.
_FIELD_MAP = {
    "label": "label",
    "parent": "parent",
    "kind": "kind",
    "definition": "definition",
    "include": "include_notes",
    "exclude": "exclude_notes",
    "key_phrases": "key_phrases",
    "examples": "examples",
    "core_questions": "core_questions",
}
FIELD_LABELS = {
    "label": "name",
    "parent": "parent",
    "kind": "kind",
    "definition": "definition",
    "include": "include notes",
    "exclude": "exclude notes",
    "key_phrases": "key phrases",
    "examples": "examples",
    "core_questions": "core questions",
}


def _theme_value(theme: Theme, name: str, numbers: dict[int, list[int]]):
    """A theme's current value, spelled as an import row would spell it."""
    if name == "parent":
        return theme.parent.key if theme.parent_id else ""
    if name == "core_questions":
        return tuple(sorted(numbers.get(theme.pk, [])))
    if name in ("key_phrases", "examples"):
        return tuple(clean_list(getattr(theme, name)))
    if name == "label":
        return clean_label(theme.label)
    return clean_text(getattr(theme, _FIELD_MAP[name]))


def plan_import(rows: Sequence[ThemeRow], fmt: str) -> ImportPlan:
    """Check rows against each other and the codebook, and sort them into added / changed /
    unchanged. Raises `CodebookImportError` listing every problem found (up to 20)."""
    problems: list[str] = []
    seen: dict[str, ThemeRow] = {}
    for row in rows:
        if row.key in seen:
            problems.append(
                f"{row.where}: the key “{row.key}” is also used by {seen[row.key].where}"
            )
        seen[row.key] = row
    existing = {
        theme.key: theme for theme in Theme.objects.select_related("parent").filter(key__in=seen)
    }
    parents_in_db = dict(
        Theme.objects.filter(parent__isnull=False).values_list("key", "parent__key")
    )
    known_keys = set(Theme.objects.values_list("key", flat=True))
    numbers = set(CoreQuestion.objects.values_list("number", flat=True))

    # The tree after the import: file rows say where they sit, other themes stay put.
    parent_of = {**parents_in_db, **{row.key: row.parent for row in rows}}
    has_children = {parent for parent in parent_of.values() if parent}
    for row in rows:
        if row.parent and row.parent not in seen and row.parent not in known_keys:
            problems.append(
                f"{row.where}: the parent “{row.parent}” is neither in the file nor in the codebook"
            )
        elif row.parent == row.key:
            problems.append(f"{row.where}: a theme cannot be its own parent")
        elif row.key in RESERVED_KEYS and row.key not in existing:
            problems.append(f"{row.where}: the key “{row.key}” is reserved; choose another")
        elif row.parent and (parent_of.get(row.parent) or row.key in has_children):
            problems.append(
                f"{row.where}: “{row.label}” would sit three levels deep; the codebook has "
                "themes and sub-themes only"
            )
        unknown = [n for n in row.core_questions or () if n not in numbers]
        if unknown:
            problems.append(
                f"{row.where}: there is no core question {', '.join(map(str, unknown))}"
            )
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise CodebookImportError(problems[:MAX_PROBLEMS])

    question_numbers: dict[int, list[int]] = {}
    for theme_id, number in Theme.core_questions.through.objects.filter(
        theme__key__in=existing
    ).values_list("theme_id", "corequestion__number"):
        question_numbers.setdefault(theme_id, []).append(number)
    plan = ImportPlan(format=fmt, rows=list(rows))
    for row in rows:
        theme = existing.get(row.key)
        if theme is None:
            plan.added.append(row)
            continue
        changed = [
            name
            for name in _FIELD_MAP
            if getattr(row, name) is not None
            and getattr(row, name) != _theme_value(theme, name, question_numbers)
        ]
        if changed:
            plan.changed.append((row, changed))
        else:
            plan.unchanged.append(row)
    return plan


def _new_status(row: ThemeRow, approve: bool) -> str:
    if not approve:
        return Theme.Status.CANDIDATE
    return row.status or Theme.Status.APPROVED


@transaction.atomic
def apply_import(actor, rows: Sequence[ThemeRow], fmt: str, *, approve: bool) -> CodebookVersion:
    """Store an import as one new codebook version (planned again here, so the result matches
    the codebook as it is now, not as it was at the preview)."""
    plan = plan_import(rows, fmt)
    if not plan.has_changes:
        raise CodebookError("Nothing to import: the codebook already matches the file.")
    questions = {q.number: q for q in CoreQuestion.objects.all()}
    user = actor if getattr(actor, "is_authenticated", False) else None
    order = next_sort_order()
    themes: dict[str, Theme] = {}
    for row in plan.added:
        themes[row.key] = Theme.objects.create(
            key=row.key,
            label=row.label,
            kind=row.kind or Theme.Kind.BARRIER,
            definition=row.definition or "",
            include_notes=row.include or "",
            exclude_notes=row.exclude or "",
            key_phrases=list(row.key_phrases or ()),
            examples=list(row.examples or ()),
            status=_new_status(row, approve),
            origin=Theme.Origin.PERSON,
            sort_order=order,
            created_by=user,
        )
        order += 1
    changed_rows = dict(plan.changed)
    for theme in Theme.objects.select_for_update().filter(key__in=[r.key for r in changed_rows]):
        themes[theme.key] = theme

    def parent_theme(key):
        return themes.get(key) or Theme.objects.get(key=key)

    added_keys = {row.key for row in plan.added}
    for row in [*plan.added, *changed_rows]:
        theme = themes[row.key]
        names = changed_rows.get(row, list(_FIELD_MAP))
        for name in names:
            value = getattr(row, name)
            if value is None or name == "core_questions":
                continue
            if name == "parent":
                theme.parent = parent_theme(value) if value else None
            elif name in ("key_phrases", "examples"):
                setattr(theme, name, list(value))
            else:
                setattr(theme, _FIELD_MAP[name], value)
        if row.key in added_keys and row.kind is None and theme.parent_id:
            # A new sub-theme that does not say its kind takes its parent's.
            theme.kind = theme.parent.kind
        theme.save()
        if "core_questions" in names and row.core_questions is not None:
            theme.core_questions.set([questions[n] for n in row.core_questions])

    change = record_change(
        Action.IMPORT,
        actor=actor,
        detail={
            "format": fmt,
            "added": len(plan.added),
            "changed": len(plan.changed),
            "approved": approve,
        },
        note=f"Imported from {fmt.upper()}",
    )
    for row in plan.added:
        record_further_change(
            change.version,
            Action.CREATE,
            actor=actor,
            theme=themes[row.key],
            detail={"import": fmt, "label": row.label},
        )
    for row, names in plan.changed:
        record_further_change(
            change.version,
            Action.EDIT,
            actor=actor,
            theme=themes[row.key],
            detail={"import": fmt, "fields": names, "label": row.label},
        )
    return change.version
