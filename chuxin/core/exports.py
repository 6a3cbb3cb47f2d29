"""Exports of any list to .xlsx or CSV, with translated headers and the page's filters applied."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.encoding import force_str
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


@dataclass(frozen=True)
class Column:
    """One exported column: its header (translatable) and how to get its value from a row."""

    header: Any
    value: Callable[[Any], Any]
    width: int = 16


class _Echo:
    def write(self, value: str) -> str:
        return value


def safe_cell(value: Any) -> Any:
    """Text starting with = + - @ is prefixed so a spreadsheet never runs it as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _rows(columns: list[Column], rows: Iterable[Any]) -> Iterator[list[Any]]:
    for row in rows:
        yield [safe_cell(col.value(row)) for col in columns]


def export_filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def csv_response(stem: str, columns: list[Column], rows: Iterable[Any]) -> StreamingHttpResponse:
    """A streamed UTF-8 CSV (with BOM, so that Excel opens Chinese text correctly)."""
    writer = csv.writer(_Echo())

    def generate() -> Iterator[str]:
        yield "\ufeff"
        yield writer.writerow([force_str(c.header) for c in columns])
        for values in _rows(columns, rows):
            yield writer.writerow(["" if v is None else v for v in values])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, "csv")}"'
    return response


def xlsx_workbook(sheet_title: str, columns: list[Column], rows: Iterable[Any]) -> Workbook:
    """A write-only workbook: constant memory whatever the number of rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    for index, column in enumerate(columns):
        letter = _column_letter(index)
        ws.column_dimensions[letter].width = column.width
    ws.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=force_str(column.header))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for values in _rows(columns, rows):
        ws.append(values)
    return wb


def xlsx_response(
    stem: str, sheet_title: str, columns: list[Column], rows: Iterable[Any]
) -> HttpResponseBase:
    wb = xlsx_workbook(sheet_title, columns, rows)
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    wb.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=export_filename(stem, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_back_xlsx(content: bytes) -> list[list[Any]]:
    """Every row of the first sheet (used by tests and by round-trip checks)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    ws = wb.worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]
