"""Codebooks: the themes a project codes against, loaded from the project's YAML shape or a CSV
of label definitions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nlp.data import DataError, read_table

LABEL_COLUMNS = ("label", "theme", "name", "code", "category")
DEFINITION_COLUMNS = ("definition", "description", "desc", "meaning")
# Rows a definitions file keeps for reference only (e.g. a later framework version) say so.
_REFERENCE_ONLY = re.compile(r"reference only|not used", re.IGNORECASE)
# Words a definition quotes ("described as 'friendly', 'helpful'") make good key phrases.
_QUOTED = re.compile(r"(?<![A-Za-z])['‘\"“]([^'’\"”]{2,40})['’\"”](?![A-Za-z])")
# Sentences that point elsewhere ("… should go under 'X' rather than here") quote other codes.
_POINTS_ELSEWHERE = re.compile(r"rather than|instead|\bNB\b|distinction|should be mapped", re.I)
# "'thin' data" is qualitative-research jargon for a vague comment, not a key phrase.
_NOT_PHRASES = {"thin"}


@dataclass(frozen=True)
class Theme:
    """One code in a codebook: what it means, what falls in and out, and how to spot it."""

    key: str
    label: str
    definition: str = ""
    include: str = ""
    exclude: str = ""
    key_phrases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    parent: str | None = None
    kind: str = ""

    def description(self) -> str:
        """Label, definition and inclusion note as one text, for embedding."""
        parts = [self.label.strip()]
        if self.definition:
            parts.append(self.definition.strip())
        if self.include:
            parts.append(self.include.strip())
        return ". ".join(p.rstrip(".") for p in parts if p) + "."


@dataclass
class Codebook:
    """An ordered set of themes, parents before their children."""

    themes: list[Theme]
    version: str = ""
    name: str = ""
    _by_key: dict[str, Theme] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_key = {}
        for theme in self.themes:
            if theme.key in self._by_key:
                raise ValueError(f"duplicate theme key {theme.key!r}")
            self._by_key[theme.key] = theme

    def __len__(self) -> int:
        return len(self.themes)

    def __getitem__(self, key: str) -> Theme:
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.themes]

    def leaves(self) -> list[Theme]:
        """Themes with no children: the ones segments are coded with."""
        parents = {t.parent for t in self.themes if t.parent}
        return [t for t in self.themes if t.key not in parents]


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, Iterable):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return (str(value),)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def codebook_from_dict(data: Mapping) -> Codebook:
    """Build a codebook from the project's YAML shape.

    Accepts ``{"codebook": {name, version, themes: [...]}}`` or the inner mapping. Each theme has
    ``key`` and ``label`` and may have ``kind, definition, include, exclude, key_phrases,
    examples`` and ``children`` (themes of the same shape, nested to any depth).
    """
    if not isinstance(data, Mapping):
        raise DataError("a codebook must be a mapping")
    inner = data.get("codebook", data)
    if not isinstance(inner, Mapping) or not isinstance(inner.get("themes"), list):
        raise DataError("a codebook needs a 'themes' list")
    themes: list[Theme] = []

    def walk(items: list, parent: str | None) -> None:
        for item in items:
            if not isinstance(item, Mapping):
                raise DataError(f"theme entries must be mappings, got {item!r}")
            key = _text(item.get("key")) or _text(item.get("label"))
            if not key:
                raise DataError(f"a theme has neither key nor label: {dict(item)!r}")
            themes.append(
                Theme(
                    key=key,
                    label=_text(item.get("label")) or key,
                    definition=_text(item.get("definition")),
                    include=_text(item.get("include")),
                    exclude=_text(item.get("exclude")),
                    key_phrases=_as_tuple(item.get("key_phrases")),
                    examples=_as_tuple(item.get("examples")),
                    parent=parent,
                    kind=_text(item.get("kind")),
                )
            )
            walk(item.get("children") or [], key)

    walk(inner["themes"], None)
    if not themes:
        raise DataError("the codebook has no themes")
    try:
        return Codebook(themes, version=_text(inner.get("version")), name=_text(inner.get("name")))
    except ValueError as exc:
        raise DataError(str(exc)) from exc


def codebook_from_yaml(path: str | Path) -> Codebook:
    """Load a codebook YAML file (the shape of ``insights/reference_data/codebook.yaml``)."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise DataError(f"file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(f"{path} is not valid YAML: {exc}") from exc
    return codebook_from_dict(data or {})


def _pick(header: list[str], wanted: str | None, candidates: tuple[str, ...], what: str, path):
    lowered = {h.lower(): h for h in header}
    if wanted:
        if wanted in header:
            return wanted
        raise DataError(f"{path} has no column {wanted!r} (columns: {', '.join(header)})")
    for name in candidates:
        if name in lowered:
            return lowered[name]
    raise DataError(
        f"{path} has no {what} column; name one of {', '.join(candidates)} "
        f"or pass it explicitly (columns: {', '.join(header)})"
    )


def quoted_phrases(definition: str, exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """Words or short phrases a definition quotes, e.g. 'friendly', 'helpful'.

    Quotes in sentences that send the reader to another code are skipped, as are ``exclude``
    (typically the other labels) and jargon such as "thin".
    """
    skip = {e.lower() for e in exclude} | _NOT_PHRASES
    found: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", definition):
        if _POINTS_ELSEWHERE.search(sentence):
            continue
        for phrase in _QUOTED.findall(sentence):
            phrase = phrase.strip(" ,.;:").lower()
            if phrase and len(phrase.split()) <= 4 and phrase not in found and phrase not in skip:
                found.append(phrase)
    return tuple(found)


def codebook_from_csv(
    path: str | Path,
    *,
    label_column: str | None = None,
    definition_column: str | None = None,
    version: str = "",
) -> Codebook:
    """Load themes from a CSV with one row per label and its definition.

    Columns are found by name (``label``/``theme``/``name``…, ``definition``/``description``…)
    unless given. The label doubles as the theme key so predictions compare with labelled data.
    Repeated labels keep their first row, rows marked "reference only" / "not used" are skipped,
    a missing definition falls back to the label, and phrases the definition quotes become key
    phrases.
    """
    header, rows = read_table(path)
    label_col = _pick(header, label_column, LABEL_COLUMNS, "label", path)
    definition_col = _pick(header, definition_column, DEFINITION_COLUMNS, "definition", path)
    themes: dict[str, Theme] = {}
    labels = {_text(row.get(label_col)) for row in rows}
    for row in rows:
        label = _text(row.get(label_col))
        if not label or label in themes:
            continue
        others = [v for k, v in row.items() if k not in (label_col, definition_col) and v]
        if any(_REFERENCE_ONLY.search(str(v)) for v in others):
            continue
        definition = _text(row.get(definition_col))
        themes[label] = Theme(
            key=label,
            label=label,
            definition=definition,
            key_phrases=quoted_phrases(definition, exclude=labels),
        )
    if not themes:
        raise DataError(f"{path} has no labelled definitions")
    return Codebook(list(themes.values()), version=version, name=Path(path).stem)
