"""Reading an import file: its type from its content, its encoding, its cells as text.

Also the errors that name where a file is wrong (a row and a column as the user sees the
sheet), shared by every importer through :mod:`chuxin.core.imports`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

# A message is an untranslated msgid (marked with gettext_noop) and its params, so that a
# stored error shows in the language of whoever reads it, not of the worker that ran.


# --- Errors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One bad cell, row or file: where it is (as the user sees the sheet) and what is wrong.

    ``row`` is the sheet's row number (the header is row 1; 0 for the file as a whole),
    ``column`` the column's canonical name ("" for the file or a whole row), ``message`` an
    untranslated msgid with ``%(name)s`` placeholders filled from ``params``.
    """

    row: int
    column: str
    message: str
    value: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    header: str = ""

    def text(self) -> str:
        """The message in the active language."""
        return render_message(self.message, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": self.value,
            "message": self.text(),
            "msgid": self.message,
            "params": dict(self.params),
        }


def render_message(msgid: str, params: Mapping[str, Any] | None) -> str:
    text = gettext(msgid)
    return text % dict(params) if params else text


def error_text(error: Mapping[str, Any]) -> str:
    """A stored error's message, translated into the active language."""
    if error.get("msgid"):
        try:
            return render_message(error["msgid"], error.get("params") or {})
        except (KeyError, TypeError, ValueError):
            pass
    return str(error.get("message", ""))


class CellError(ValueError):
    """Raised by a column's parser when a cell's value is not acceptable."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class FileRefused(Exception):
    """The file as a whole cannot be imported (wrong type, empty, unreadable, columns)."""

    def __init__(self, errors: list[RowError], notes: Sequence[str] = ()) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors
        self.notes = list(notes)


class ImportRefused(Exception):
    """Raised inside :meth:`Importer.apply` when a row turns out bad; the transaction rolls back."""

    def __init__(self, errors: list[RowError], notes: Sequence[str] = ()) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors
        self.notes = list(notes)


# --- Reading files --------------------------------------------------------------------------


@dataclass
class Table:
    """The cells of a file as text: the header row and the data rows, with sheet row numbers."""

    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    notes: list[str] = field(default_factory=list)
    format: str = "csv"


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGIC = {
    b"%PDF": gettext_noop("This is a PDF document, not a spreadsheet. Upload .xlsx or CSV."),
    b"\x89PNG": gettext_noop("This is an image, not a spreadsheet. Upload .xlsx or CSV."),
    b"\xff\xd8\xff": gettext_noop("This is an image, not a spreadsheet. Upload .xlsx or CSV."),
    b"GIF8": gettext_noop("This is an image, not a spreadsheet. Upload .xlsx or CSV."),
    b"Rar!": gettext_noop("This is an archive, not a spreadsheet. Upload .xlsx or CSV."),
    b"\x1f\x8b": gettext_noop("This is an archive, not a spreadsheet. Upload .xlsx or CSV."),
}


def _refuse(message: str, **params: Any) -> FileRefused:
    return FileRefused([RowError(0, "", message, params=params)])


def read_table(data: bytes) -> Table:
    """The file's cells as text, whatever its type; raises :class:`FileRefused` if unreadable.

    The type is found from the content, not the name: an .xlsx workbook is a ZIP archive with
    ``xl/workbook.xml``; anything else must be CSV text in UTF-8 or GB18030.
    """
    if not data.strip():
        raise _refuse(gettext_noop("The file is empty."))
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise _refuse(
            gettext_noop("The file is larger than %(limit)s MB."), limit=f"{limit / 2**20:g}"
        )
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(_OLE_MAGIC):
        raise _refuse(
            gettext_noop(
                "This is an old Excel workbook (.xls). Open it in Excel and save it as .xlsx."
            )
        )
    for magic, message in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise _refuse(message)
    if b"\x00" in data[:65536]:
        raise _refuse(gettext_noop("This is a binary file, not a CSV or .xlsx spreadsheet."))
    return _read_csv(data)


def _decode(data: bytes) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _refuse(
            gettext_noop(
                "The file cannot be read as text: byte %(position)d is neither UTF-8 nor "
                "GB18030. Save it from Excel as .xlsx or as “CSV UTF-8”."
            ),
            position=exc.start + 1,
        ) from exc
    return text, [gettext("The file was read as GB18030 (Chinese Windows encoding).")]


def _read_csv(data: bytes) -> Table:
    text, notes = _decode(data)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [[cell.strip() for cell in record] for record in reader]
    except csv.Error as exc:
        raise _refuse(
            gettext_noop("The file cannot be read as CSV: %(error)s"), error=str(exc)
        ) from exc
    return _table(enumerate(records, start=1), notes, "csv")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise _refuse(gettext_noop("The file is a damaged ZIP archive or workbook.")) from exc
    if "xl/workbook.xml" not in names:
        raise _refuse(gettext_noop("This is a ZIP archive but not an Excel workbook (.xlsx)."))
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _refuse(
            gettext_noop("The .xlsx workbook cannot be read: %(error)s"), error=str(exc)
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        records = [
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    except Exception as exc:
        raise _refuse(
            gettext_noop("The .xlsx workbook cannot be read: %(error)s"), error=str(exc)
        ) from exc
    finally:
        workbook.close()
    return _table(records, [], "xlsx")


def _table(records: Iterable[tuple[int, list[str]]], notes: list[str], fmt: str) -> Table:
    header_row = 0
    headers: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    for number, cells in records:
        if not any(cells):
            continue
        if not header_row:
            header_row, headers = number, cells
        else:
            rows.append((number, cells))
    if not header_row:
        raise _refuse(gettext_noop("The file is empty."))
    if not rows:
        raise _refuse(gettext_noop("The file has a header row but no data rows."))
    return Table(header_row=header_row, headers=headers, rows=rows, notes=notes, format=fmt)
