"""Bulk imports from CSV or .xlsx: columns, importers, their registry and the job runner.

An import is all or nothing. :func:`import_run` reads the job's file (an .xlsx workbook, or a
CSV in UTF-8 or, as Excel writes it on Chinese Windows, GB18030), maps the header row to the
importer's :class:`Column` specs (each with Chinese aliases), parses every cell, lets the
importer check the rows against each other and the database, and only when no row is bad
lets the importer write, in one transaction. Every bad cell is reported with the row number
the user sees in the sheet (the header is row 1) and the column's name.

Importers for other capabilities subclass :class:`Importer`, decorate it with
:func:`register` and live in an ``importers`` module of their app (found automatically).
Reading files and the errors that name a row and column are in :mod:`chuxin.core.import_files`
and re-exported here.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.core.files.base import File
from django.db import models, transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext, gettext_noop

from .import_files import (
    CellError,
    FileRefused,
    ImportRefused,
    RowError,
    Table,
    error_text,
    read_table,
    render_message,
)
from .models import ImportJob

logger = logging.getLogger(__name__)

StrOrPromise = str | Promise
Progress = Callable[[int, int], None]
"""Called with (rows processed, total rows) while a file is checked."""

# --- Values ---------------------------------------------------------------------------------

Parser = Callable[[str], Any]


def normalize_key(value: str) -> str:
    """How headers and enumerated values are compared: width, case and spaces do not matter."""
    value = unicodedata.normalize("NFKC", value).casefold()
    return "".join(ch for ch in value if not ch.isspace() and ch not in "_-*")


def integer_value(raw: str) -> int:
    """A whole number that fits an integer column (``3`` or ``3.0`` as Excel may write it)."""
    try:
        number = float(raw) if "." in raw else int(raw)
    except ValueError as exc:
        raise CellError(gettext_noop("“%(value)s” is not a whole number."), value=raw) from exc
    if isinstance(number, float):
        if not number.is_integer():
            raise CellError(gettext_noop("“%(value)s” is not a whole number."), value=raw)
        number = int(number)
    if not -(2**31) <= number < 2**31:
        raise CellError(gettext_noop("%(value)s is too large."), value=raw)
    return number


_TRUE = {"是", "yes", "y", "true", "t", "1", "√", "✓", "对"}
_FALSE = {"否", "no", "n", "false", "f", "0", "\u00d7", "不是"}


def boolean_value(raw: str) -> bool:
    """是/否, yes/no, true/false, 1/0 (an empty cell is the column's default)."""
    key = normalize_key(raw)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(gettext_noop("“%(value)s” is not yes or no (是/否)."), value=raw)


class ChoiceParser:
    """Accepts an enumerated value as its stored value, its English or Chinese label, or an alias.

    ``choices`` are Django ``(value, label)`` pairs; the labels are also looked up in every
    language of ``settings.LANGUAGES``, so the words a user sees on the pages are accepted.
    """

    def __init__(
        self,
        choices: Iterable[tuple[str, StrOrPromise]],
        aliases: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.choices = list(choices)
        self.aliases = {k: tuple(v) for k, v in (aliases or {}).items()}
        self._lookup: dict[str, str] | None = None

    @property
    def values(self) -> list[str]:
        return [value for value, _label in self.choices]

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            lookup: dict[str, str] = {}
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    for value, label in self.choices:
                        lookup.setdefault(normalize_key(str(label)), value)
            for value, words in self.aliases.items():
                for word in words:
                    lookup[normalize_key(word)] = value
            for value in self.values:
                lookup[normalize_key(value)] = value
            self._lookup = lookup
        return self._lookup

    def __call__(self, raw: str) -> str:
        value = self.lookup().get(normalize_key(raw))
        if value is None:
            raise CellError(
                gettext_noop("Unknown value “%(value)s”; use one of: %(accepted)s."),
                value=raw,
                accepted=", ".join(self.values),
            )
        return value


@dataclass(frozen=True)
class Column:
    """One column an importer reads: its name, the headers it goes by, and how a cell is parsed.

    ``required`` says the column must be in the header row; ``blank`` whether a cell may be
    empty (it then gives ``default``). ``parser`` turns the stripped text into a clean value
    or raises :class:`CellError`.
    """

    name: str
    label: StrOrPromise
    aliases: tuple[str, ...] = ()
    required: bool = False
    blank: bool = True
    max_length: int | None = None
    parser: Parser | None = None
    default: Any = None
    help: StrOrPromise = ""

    @property
    def chinese_header(self) -> str:
        """The first Chinese alias (what a Chinese template's header row says)."""
        return self.aliases[0] if self.aliases else self.name

    def header_keys(self) -> set[str]:
        keys = {normalize_key(self.name), *(normalize_key(a) for a in self.aliases)}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                keys.add(normalize_key(str(self.label)))
        return keys

    def clean(self, raw: str) -> Any:
        """The cell's clean value; raises :class:`CellError`."""
        if not raw:
            if not self.blank:
                raise CellError(gettext_noop("This column may not be empty."))
            return self.default
        if self.max_length is not None and len(raw) > self.max_length:
            raise CellError(
                gettext_noop("Too long: at most %(max)d characters, this has %(length)d."),
                max=self.max_length,
                length=len(raw),
            )
        return self.parser(raw) if self.parser else raw


# --- Importers ------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row: its sheet row number, the text of each known column, and the clean values.

    ``raw`` holds every column the file has (by canonical name); ``values`` only the columns
    whose cell parsed, so a check that needs a column skips rows where it is bad.
    """

    number: int
    raw: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)

    def has(self, column: str) -> bool:
        return column in self.values


@dataclass
class Counts:
    """What an import did: rows that created, changed, or left a record as it was."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Importer:
    """Base of every importer: the columns it reads, the checks it makes, and the writes.

    :meth:`validate` sees every row (including those with bad cells) and returns every error
    it finds against the other rows and the database; it must not write. :meth:`apply` runs
    inside a transaction only when no row is bad; it may raise :class:`ImportRefused` if it
    finds a bad row after all (the database may have changed since :meth:`validate`).
    """

    kind: ClassVar[str]
    label: ClassVar[StrOrPromise]
    columns: ClassVar[tuple[Column, ...]]
    example: ClassVar[Mapping[str, str]] = {}

    def __init__(self, job: ImportJob | None = None) -> None:
        self.job = job

    @property
    def change_reason(self) -> str:
        """What the audit trail says caused the change."""
        if self.job is None:
            return f"import {self.kind}"
        return f"import #{self.job.pk} {self.kind}: {self.job.original_name}"[:100]

    def validate(self, rows: list[Row], actor: Any) -> list[RowError]:
        return []

    def apply(self, clean_rows: list[Row], actor: Any) -> Counts:
        raise NotImplementedError

    def takes_whole_file(self, data: bytes) -> bool:
        """Whether :meth:`import_whole_file` checks and writes this file itself (a set-based
        path for large files, e.g. in SQL); by default every file goes row by row."""
        return False

    def import_whole_file(self, data: bytes, actor: Any) -> tuple[Counts, list[str]]:
        """Check and write the whole file at once, inside the import's transaction; returns
        the counts and the notes. Must give the outcome of the row-by-row path: raise
        :class:`FileRefused` for the file or its columns, :class:`ImportRefused` (with every
        bad row, each naming its header, and the notes) when any row is bad. May set
        ``self.job.total_rows``."""
        raise NotImplementedError

    @classmethod
    def column(cls, name: str) -> Column:
        return next(c for c in cls.columns if c.name == name)

    @classmethod
    def map_headers(cls, table: Table) -> tuple[dict[int, Column], list[RowError], list[str]]:
        """Which file column is which importer column; errors for missing or doubled ones."""
        keys = {c.name: c.header_keys() for c in cls.columns}
        found: dict[int, Column] = {}
        first: dict[str, str] = {}
        errors: list[RowError] = []
        notes: list[str] = []
        for index, header in enumerate(table.headers):
            if not header:
                continue
            key = normalize_key(header)
            column = next((c for c in cls.columns if key in keys[c.name]), None)
            if column is None:
                notes.append(gettext("Column “%(header)s” is not used.") % {"header": header})
                continue
            if column.name in first:
                errors.append(
                    RowError(
                        table.header_row,
                        column.name,
                        gettext_noop(
                            "Column %(column)s appears twice: “%(first)s” and “%(second)s”."
                        ),
                        value=header,
                        params={
                            "column": column.name,
                            "first": first[column.name],
                            "second": header,
                        },
                        header=header,
                    )
                )
                continue
            first[column.name] = header
            found[index] = column
        for column in cls.columns:
            if column.required and column.name not in first:
                errors.append(
                    RowError(
                        table.header_row,
                        column.name,
                        gettext_noop(
                            "Required column %(column)s is missing (its header may be %(headers)s)."
                        ),
                        params={
                            "column": column.name,
                            "headers": " / ".join([column.name, *column.aliases]),
                        },
                    )
                )
        return found, errors, notes

    @classmethod
    def parse(
        cls, table: Table, progress: Callable[[int], None] | None = None
    ) -> tuple[list[Row], list[RowError], list[str]]:
        """Every row's clean values and every bad cell. Raises :class:`FileRefused` on columns."""
        mapping, errors, notes = cls.map_headers(table)
        if errors:
            raise FileRefused(errors, notes)
        headers = {c.name: table.headers[i] for i, c in mapping.items()}
        rows: list[Row] = []
        for done, (number, cells) in enumerate(table.rows, start=1):
            row = Row(number=number, raw={})
            for index, column in mapping.items():
                raw = cells[index] if index < len(cells) else ""
                row.raw[column.name] = raw
                try:
                    row.values[column.name] = column.clean(raw)
                except CellError as exc:
                    errors.append(
                        RowError(
                            number,
                            column.name,
                            exc.message,
                            value=raw,
                            params=exc.params,
                            header=headers[column.name],
                        )
                    )
            rows.append(row)
            if progress is not None:
                progress(done)
        return rows, errors, notes


_registry: dict[str, type[Importer]] = {}
_discovered = False


def register(importer: type[Importer]) -> type[Importer]:
    """Class decorator: make an importer available under its ``kind``."""
    _registry[importer.kind] = importer
    return importer


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("importers")
        _discovered = True


def registered() -> list[type[Importer]]:
    """Every importer: by the order of their apps in ``INSTALLED_APPS``, then as declared."""
    _discover()
    app_order = {config.name: i for i, config in enumerate(apps.get_app_configs())}

    def app_index(importer: type[Importer]) -> int:
        config = apps.get_containing_app_config(importer.__module__)
        return app_order.get(config.name, len(app_order)) if config else len(app_order)

    importers = list(_registry.values())
    return sorted(importers, key=lambda i: (app_index(i), importers.index(i)))


def importer_for(kind: str) -> type[Importer]:
    """The importer of a kind; ``KeyError`` if there is none."""
    _discover()
    return _registry[kind]


# --- Helpers for importers ------------------------------------------------------------------


def in_chunks(
    queryset: QuerySet[Any], field_name: str, values: Iterable[Any], size: int = 900
) -> Iterator[Any]:
    """The rows whose ``field_name`` is one of ``values``, a bounded ``IN`` list at a time."""
    values = list(values)
    for start in range(0, len(values), size):
        yield from queryset.filter(**{f"{field_name}__in": values[start : start + size]})


def duplicate_errors(rows: list[Row], column: str) -> tuple[dict[str, Row], list[RowError]]:
    """The first row of each value of ``column``, and an error on every later row with it."""
    first: dict[str, Row] = {}
    errors: list[RowError] = []
    for row in rows:
        value = row.values.get(column)
        if not value:
            continue
        if value in first:
            errors.append(
                RowError(
                    row.number,
                    column,
                    gettext_noop("%(value)s is already on row %(other)d."),
                    value=str(value),
                    params={"value": value, "other": first[value].number},
                )
            )
        else:
            first[value] = row
    return first, errors


def changed_fields(obj: models.Model, values: Mapping[str, Any]) -> list[str]:
    """The fields of ``obj`` that ``values`` would change."""
    return [name for name, value in values.items() if getattr(obj, name) != value]


# --- Jobs -----------------------------------------------------------------------------------

# Sent inside the import's transaction once an importer has written, with job=<ImportJob> and
# counts=<Counts>: receivers recompute, set-based, whatever they skipped during the import.
import_applied = Signal()

_applying: ContextVar[str | None] = ContextVar("chuxin_import_applying", default=None)


def import_in_progress() -> str | None:
    """The kind of the import whose writes are under way in this thread, or ``None``.

    Receivers that keep counters in step with single saves (a unit moved, a member changed)
    may skip their work while this is set: importers refresh every registered rollup after
    their writes, and :data:`import_applied` follows.
    """
    return _applying.get()


def import_job_create(*, actor: Any, kind: str, file: File[Any], original_name: str) -> ImportJob:
    """Record an uploaded file as a waiting import job (the file is kept with the job)."""
    importer_for(kind)  # KeyError for an unknown kind
    name = (original_name or "import")[-255:]
    job = ImportJob(kind=kind, original_name=name, created_by=actor)
    job.file.save(name, file, save=False)
    job.save()
    return job


def _report(
    errors: list[RowError], importer: type[Importer], headers: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The errors in sheet order, each naming its column as the file's header row does."""
    order = {c.name: i for i, c in enumerate(importer.columns)}
    report = []
    for error in sorted(errors, key=lambda e: (e.row, order.get(e.column, -1))):
        if not error.header and headers and error.column in headers:
            error = replace(error, header=headers[error.column])
        report.append(error.as_dict())
    return report


def _finish(job: ImportJob, status: str, **fields: Any) -> ImportJob:
    for name, value in fields.items():
        setattr(job, name, value)
    job.status = status
    job.finished_at = timezone.now()
    job.save()
    return job


def import_run(*, actor: Any, job: ImportJob, progress: Progress | None = None) -> ImportJob:
    """Run a waiting import job to the end: done, refused (nothing written) or failed.

    Progress (``processed_rows`` of ``total_rows``) is saved as the rows are checked, so a page
    can show it; every error is stored on the job. When any row is bad, the job is refused and
    nothing is written; otherwise the importer writes everything in one transaction.
    """
    if job.status != ImportJob.Status.PENDING:
        return job
    importer_cls = importer_for(job.kind)
    importer = importer_cls(job)
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["status", "updated_at"])
    headers: dict[str, str] = {}
    try:
        with job.file.open("rb") as handle:
            data = handle.read(settings.IMPORT_MAX_BYTES + 1)
        if importer.takes_whole_file(data):
            return _run_whole(job, importer, data, actor, progress)
        table = read_table(data)
        job.total_rows = len(table.rows)
        job.save(update_fields=["total_rows", "updated_at"])
        step = max(1, len(table.rows) // 100)

        def parsed(done: int) -> None:
            if done % step == 0 or done == job.total_rows:
                job.processed_rows = done
                ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)
            if progress is not None:
                progress(done, job.total_rows)

        rows, errors, notes = importer_cls.parse(table, parsed)
        headers = {c.name: table.headers[i] for i, c in importer_cls.map_headers(table)[0].items()}
        notes = table.notes + notes
        errors += importer.validate(rows, actor)
        if errors:
            return _finish(
                job,
                ImportJob.Status.REFUSED,
                errors=_report(errors, importer_cls, headers),
                notes=notes,
            )
        with transaction.atomic():
            token = _applying.set(job.kind)
            try:
                counts = importer.apply(rows, actor)
            finally:
                _applying.reset(token)
            import_applied.send(importer_cls, job=job, counts=counts)
    except FileRefused as exc:
        return _finish(
            job,
            ImportJob.Status.REFUSED,
            errors=_report(exc.errors, importer_cls),
            notes=exc.notes,
        )
    except ImportRefused as exc:
        return _finish(
            job,
            ImportJob.Status.REFUSED,
            errors=_report(exc.errors, importer_cls, headers),
            **({"notes": exc.notes} if exc.notes else {}),
        )
    except Exception as exc:
        return _failed(job, exc)
    return _done(job, counts, notes)


def _failed(job: ImportJob, exc: Exception) -> ImportJob:
    logger.exception("import job %s failed", job.pk)
    failure = RowError(
        0,
        "",
        gettext_noop("The import failed and nothing was imported: %(error)s"),
        params={"error": f"{type(exc).__name__}: {exc}"},
    )
    return _finish(job, ImportJob.Status.FAILED, errors=[failure.as_dict()])


def _done(job: ImportJob, counts: Counts, notes: list[str]) -> ImportJob:
    return _finish(
        job,
        ImportJob.Status.DONE,
        processed_rows=job.total_rows,
        created_count=counts.created,
        updated_count=counts.updated,
        unchanged_count=counts.unchanged,
        errors=[],
        notes=notes,
    )


def _run_whole(
    job: ImportJob, importer: Importer, data: bytes, actor: Any, progress: Progress | None
) -> ImportJob:
    """:func:`import_run` for an importer that takes the whole file at once."""
    importer_cls = type(importer)
    try:
        with transaction.atomic():
            token = _applying.set(job.kind)
            try:
                counts, notes = importer.import_whole_file(data, actor)
            finally:
                _applying.reset(token)
            import_applied.send(importer_cls, job=job, counts=counts)
    except FileRefused as exc:
        return _finish(
            job,
            ImportJob.Status.REFUSED,
            errors=_report(exc.errors, importer_cls),
            notes=exc.notes,
        )
    except ImportRefused as exc:
        job.processed_rows = job.total_rows
        return _finish(
            job, ImportJob.Status.REFUSED, errors=_report(exc.errors, importer_cls), notes=exc.notes
        )
    except Exception as exc:
        return _failed(job, exc)
    if progress is not None:
        progress(job.total_rows, job.total_rows)
    return _done(job, counts, notes)


def job_error_rows(job: ImportJob) -> list[dict[str, Any]]:
    """The job's errors ready to show: row, column (as the file named it), value, message."""
    return [
        {
            "row": e.get("row") or "",
            "column": e.get("header") or e.get("column", ""),
            "value": e.get("value", ""),
            "message": error_text(e),
        }
        for e in job.errors
    ]


def importer_label(kind: str) -> StrOrPromise:
    try:
        return importer_for(kind).label
    except KeyError:
        return kind


__all__ = [
    "CellError",
    "ChoiceParser",
    "Column",
    "Counts",
    "FileRefused",
    "ImportRefused",
    "Importer",
    "Row",
    "RowError",
    "Table",
    "boolean_value",
    "changed_fields",
    "duplicate_errors",
    "error_text",
    "import_applied",
    "import_in_progress",
    "import_job_create",
    "import_run",
    "importer_for",
    "in_chunks",
    "integer_value",
    "job_error_rows",
    "read_table",
    "register",
    "registered",
    "render_message",
]
