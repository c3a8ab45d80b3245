"""Spreadsheet exports that are safe to open: cells that a spreadsheet would treat as a formula
are prefixed with an apostrophe (CSV injection)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # lets Excel detect UTF-8
    writer = csv.writer(response)
    writer.writerow([safe_cell(value) for value in header])  # survey labels are typed too
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return response
