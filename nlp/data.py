"""Reading labelled segments from CSV files, with errors a person can act on."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from pathlib import Path

from nlp.types import LabelledData

LABEL_SEPARATOR = "|"


class DataError(ValueError):
    """Input data that cannot be used: missing file, missing column, no rows."""


def _open_rows(path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    path = Path(path)
    if not path.exists():
        raise DataError(f"file not found: {path}")
    if not path.is_file():
        raise DataError(f"not a file: {path}")
    # Long free-text cells exceed csv's default field limit.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            reader.fieldnames = header
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text: {exc}") from exc
    except csv.Error as exc:
        raise DataError(f"{path} is not a readable CSV file: {exc}") from exc
    if not header:
        raise DataError(f"{path} is empty (no header row)")
    return header, rows


def _require(header: Iterable[str], column: str, path: str | Path) -> None:
    if column not in header:
        raise DataError(f"{path} has no column {column!r} (columns: {', '.join(header) or 'none'})")


def split_labels(cell: str | None, separator: str = LABEL_SEPARATOR) -> list[str]:
    """Split a label cell such as ``"A|B"`` into distinct, stripped labels, order kept."""
    if cell is None:
        return []
    out: list[str] = []
    for part in str(cell).split(separator):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


def read_segments(
    path: str | Path,
    *,
    text_column: str = "text",
    label_column: str | None = "labels",
    id_column: str = "id",
    require_labels: bool = False,
    label_map: dict[str, str] | None = None,
) -> LabelledData:
    """Read segments (and labels, when the column exists) from a CSV file.

    Rows with empty text are dropped. When labels are required, rows without any label are
    dropped too, since they cannot be scored. ``label_map`` renames raw label values (used to
    turn a 1–5 sentiment score into negative/neutral/positive).
    """
    header, rows = _open_rows(path)
    _require(header, text_column, path)
    has_labels = label_column is not None and label_column in header
    if require_labels and label_column is not None and not has_labels:
        _require(header, label_column, path)
    texts: list[str] = []
    ids: list[str] = []
    labels: list[list[str]] = []
    for number, row in enumerate(rows, start=1):
        text = (row.get(text_column) or "").strip()
        if not text:
            continue
        row_labels = split_labels(row.get(label_column)) if has_labels else []
        if label_map is not None:
            row_labels = [label_map[x] for x in row_labels if x in label_map]
        if require_labels and not row_labels:
            continue
        texts.append(text)
        ids.append((row.get(id_column) or "").strip() or str(number))
        labels.append(row_labels)
    if not texts:
        what = "labelled segments" if require_labels else "segments with text"
        raise DataError(f"{path} has no {what}")
    return LabelledData(texts=texts, labels=labels if has_labels else None, ids=ids)


def read_table(path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV file, raising DataError for unreadable input."""
    return _open_rows(path)


def write_predictions(path: str | Path, ids: list[str], labels: list[list[str]]) -> None:
    """Write ``id,labels`` rows, labels joined with ``|``."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "labels"])
        for row_id, row_labels in zip(ids, labels, strict=True):
            writer.writerow([row_id, LABEL_SEPARATOR.join(row_labels)])
