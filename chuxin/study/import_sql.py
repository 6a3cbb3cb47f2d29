"""The study records import on PostgreSQL, set-based: a million rows in seconds.

The row-by-row path (:class:`.importers.StudyRecordImporter`'s ``parse``/``validate``/``apply``)
holds every row in Python; here the file goes into a temporary table and every check is one
statement over all the rows, with the same outcome and the same row-numbered errors:

1. *Load.* A plain UTF-8 CSV (no quotes, one record a line, the common export) with the header
   on its first line, every line as wide as the header and no space to trim is copied cell by
   cell; any other plain CSV is copied one line a row (numbered as the sheet numbers it) and
   its cells split and stripped in SQL. Any other file (.xlsx, quoted CSV, GB18030) is read by
   the generic reader and its cells streamed in with ``COPY``.
2. *Check.* The distinct item, date and hours texts (a few hundred at most) are parsed in
   Python by the importer's own columns, so the rules cannot drift; members, scope, "required
   of", future and pre-campaign dates are decided in SQL: one condition says whether a row is
   good, and only the bad rows' errors are then worked out.
3. *Write.* One ``INSERT ... SELECT`` by member (a plain one first; when that meets a
   record, the records there already are found member by member and left out, and only when
   that fails too ``ON CONFLICT DO NOTHING``: a re-import adds nothing); when it skipped a
   good row and the file may repeat one, the file is
   searched for rows repeating an earlier one (which refuse it). Then the progress of the
   members who got new records and the counters above them, in SQL (:mod:`.progress_set`).

All inside the import's transaction: any bad row refuses the file and nothing is written.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from chuxin.core.import_files import _BINARY_MAGIC, _OLE_MAGIC
from chuxin.core.imports import (
    CellError,
    Counts,
    FileRefused,
    ImportRefused,
    RowError,
    Table,
    read_table,
)
from chuxin.core.scoping import scope_for
from chuxin.organization.models import Member, MemberStatus, Unit

from .models import RecordSource, StudyRecord

if TYPE_CHECKING:
    from .importers import StudyRecordImporter

# What ``str.strip()`` removes (the generic reader strips every cell so).
WHITESPACE = "".join(ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace())
MAGIC = (b"PK\x03\x04", _OLE_MAGIC, *_BINARY_MAGIC)
# COPY reads each line as one field: a quote and a delimiter no plain CSV line holds.
_QUOTE, _FIELD = b"\x01", b"\x02"

MEMBER = "member_number"
TEMP_TABLES = ("study_import_raw", "study_import_rows", "study_import_items",
               "study_import_distinct", "study_import_numbers",
               "study_import_rules", "study_import_dates", "study_import_hours",
               "study_import_members", "study_import_checked", "study_import_touched",
               "study_import_existing")  # fmt: skip

# Per-phase wall times of the last import in this process (seconds), for the benchmark.
last_timings: dict[str, float] = {}


def plain_csv(data: bytes) -> tuple[bytes, str] | None:
    """``(body, delimiter)`` when ``data`` is a UTF-8 CSV the generic reader would read as one
    record a line (no quote, no lone carriage return); ``None`` for anything else."""
    if len(data) > settings.IMPORT_MAX_BYTES or not data.strip() or data.startswith(MAGIC):
        return None
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    if any(mark in body for mark in (b"\x00", b'"', _QUOTE, _FIELD, b"\\.")):
        return None
    returns = body.count(b"\r")
    if returns:
        pairs = body.count(b"\r\n")
        if returns != pairs or body.count(b"\n") != pairs:
            return None  # lone or mixed line ends: leave them to the csv module
    if not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return None
    first = body.lstrip(b"\r\n").split(b"\n", 1)[0].decode("utf-8")
    delimiter = max([",", "\t", ";"], key=first.count)
    return body, delimiter


# Whitespace ``str.strip()`` removes, in UTF-8, other than the space and line ends.
_OTHER_SPACE = re.compile(
    rb"[\t\x0b\x0c\x1c-\x1f]|\xc2[\x85\xa0]|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]"
    rb"|\xe2\x81\x9f|\xe3\x80\x80"
)
# Every byte but those such whitespace begins with: what is left of a line once these are
# deleted (``bytes.translate`` runs at memory speed, the pattern at a fraction of it).
_SPACE_STARTS = b"\t\x0b\x0c\x1c\x1d\x1e\x1f\xc2\xe1\xe2\xe3"
_NOT_SPACE_STARTS = bytes(b for b in range(256) if b not in _SPACE_STARTS)


def _trim_needed(body: bytes, delimiter: str) -> str:
    """How cells must be trimmed: ``all`` (some cell may hold whitespace other than spaces),
    ``spaces`` or ``none``."""
    cells = body.replace(b"\t", b"") if delimiter == "\t" else body  # tabs split cells
    starts = cells.translate(None, _NOT_SPACE_STARTS)
    if starts and _OTHER_SPACE.search(cells) is not None:
        return "all"
    return "spaces" if b" " in body else "none"


def _header(body: bytes, delimiter: str) -> tuple[int, list[str]] | None:
    """The first non-blank line: its number and its cells (as the generic reader finds it)."""
    pos, number, size = 0, 0, len(body)
    while pos <= size:
        end = body.find(b"\n", pos)
        end = size if end < 0 else end
        number += 1
        line = body[pos:end]
        if line.endswith(b"\r"):
            line = line[:-1]
        cells = [cell.strip() for cell in line.decode("utf-8").split(delimiter)]
        if any(cells):
            return number, cells
        pos = end + 1
    return None


def _set_total(importer: StudyRecordImporter, rows: int) -> None:
    if importer.job is not None:
        importer.job.total_rows = rows


def _refuse(message: str) -> FileRefused:
    return FileRefused([RowError(0, "", message)])


_mark = [0.0]


def _start_clock() -> None:
    last_timings.clear()
    _mark[0] = time.perf_counter()


def _lap(phase: str) -> None:
    now = time.perf_counter()
    last_timings[phase] = last_timings.get(phase, 0.0) + now - _mark[0]
    _mark[0] = now


@contextmanager
def _session_for_bulk(cursor: Any) -> Iterator[None]:
    """Memory for sorts, hashes and temporary tables for this transaction only; no JIT (its
    compile time costs more than it saves on these statements)."""
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL jit = off")
    try:
        with transaction.atomic():  # refused once this session has used a temporary table
            cursor.execute("SET LOCAL temp_buffers = '512MB'")
    except DatabaseError:
        pass
    yield


def import_whole_file(
    importer: StudyRecordImporter, data: bytes, actor: Any
) -> tuple[Counts, list[str]]:
    """Check and write the study records of ``data`` (see the module's docstring)."""
    _start_clock()
    with connection.cursor() as cursor, _session_for_bulk(cursor):
        for name in TEMP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(
            "CREATE TEMPORARY TABLE study_import_rows (n bigint, mn text, item text, dt text, "
            "hr text) ON COMMIT DROP"
        )
        plain = plain_csv(data)
        if plain is not None:
            total, headers, notes = _load_plain(importer, cursor, *plain)
        else:
            _lap("read")
            total, headers, notes = _load_table(importer, cursor, read_table(data))
        _set_total(importer, total)
        cursor.execute("ANALYZE study_import_rows")
        _lap("split")
        errors, good = _check(importer, cursor, actor, headers, total)

        if errors:
            raise ImportRefused(errors, notes)
        created, repeats_ruled_out = _insert(cursor, actor)
        _lap("insert")
        if created < good and not repeats_ruled_out:
            # Some good rows were not written: there already, or repeating an earlier row of
            # the file, which refuses the file (and the insert is rolled back with it). Most
            # files write every row, and need no search for repeats.
            duplicates = _duplicates(cursor, headers)
            _lap("check: duplicates")
            if duplicates:
                raise ImportRefused(duplicates, notes)
        if created:
            from .progress_set import recompute_members_in

            # Every row is good by now (a bad one refused the file), so the members the file
            # names are the members it may have given records: their progress, and the
            # counters above them, follow.
            cursor.execute(
                "CREATE TEMPORARY TABLE study_import_touched ON COMMIT DROP AS "
                "SELECT id AS member_id FROM study_import_members"
            )
            cursor.execute("SELECT item_id FROM study_import_items WHERE status = 'ok'")
            items = [row[0] for row in cursor.fetchall()]
            recompute_members_in("study_import_touched", lap=_lap, added_items=items)
        for name in TEMP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
    return Counts(created=created, unchanged=good - created), notes


def _load_plain(
    importer: StudyRecordImporter, cursor: Any, body: bytes, delimiter: str
) -> tuple[int, dict[str, str], list[str]]:
    """The common file copied cell by cell; any other COPYed line by line, then split,
    stripped and its non-blank rows after the header kept."""
    found = _header(body, delimiter)
    if found is None:
        raise _refuse(gettext_noop("The file is empty."))
    header_row, header_cells = found
    table = Table(header_row=header_row, headers=header_cells, rows=[])
    mapping, errors, notes = importer.map_headers(table)
    # Trimming with every whitespace character costs; most exports have none but spaces (or
    # none at all), and then a cheaper trim gives the same cells.
    trim = _trim_needed(body, delimiter)
    if trim == "all":
        blank = "btrim(translate(line, %(d)s, ''), %(ws)s) <> ''"
    elif trim == "spaces":
        blank = "btrim(translate(line, %(d)s, '')) <> ''"
    else:
        blank = "translate(line, %(d)s, '') <> ''"
    params = {"d": delimiter, "ws": WHITESPACE, "header": header_row}
    if errors:
        _copy_lines(cursor, body)
        cursor.execute(
            f"SELECT count(*) FROM study_import_raw WHERE n > %(header)s AND {blank}", params
        )
        rows = cursor.fetchone()[0]
        if not rows:
            raise _refuse(gettext_noop("The file has a header row but no data rows."))
        _set_total(importer, rows)
        raise FileRefused(errors, notes)
    headers = {c.name: header_cells[i] for i, c in mapping.items()}
    if trim == "none" and header_row == 1 and _regular(body, delimiter):
        total = _copy_cells(cursor, body, delimiter, len(header_cells), mapping)
        if total is not None:
            return total, headers, notes
    _copy_lines(cursor, body)
    index = {column.name: i + 1 for i, column in mapping.items()}

    def cell(name: str) -> str:
        if name not in index:
            return "NULL::text"
        text = f"split_part(line, %(d)s, {index[name]})"  # '' past the row's last cell
        if trim == "all":
            return f"btrim({text}, %(ws)s)"
        return f"btrim({text})" if trim == "spaces" else text

    cursor.execute(
        "INSERT INTO study_import_rows (n, mn, item, dt, hr) "
        f"SELECT n, {cell(MEMBER)}, {cell('item')}, {cell('date')}, {cell('hours')} "
        f"FROM study_import_raw WHERE n > %(header)s AND {blank}",
        params,
    )
    total = cursor.rowcount
    cursor.execute("DROP TABLE study_import_raw")
    if not total:
        raise _refuse(gettext_noop("The file has a header row but no data rows."))
    return total, headers, notes


def _copy_lines(cursor: Any, body: bytes) -> None:
    """The file into ``study_import_raw``, one line a row, numbered as the sheet numbers it."""
    cursor.execute(
        "CREATE TEMPORARY TABLE study_import_raw (n bigint GENERATED ALWAYS AS IDENTITY, "
        "line text) ON COMMIT DROP"
    )
    with cursor.cursor.copy(
        "COPY study_import_raw (line) FROM STDIN WITH (FORMAT csv, DELIMITER E'\\x02', "
        "QUOTE E'\\x01', NULL '')"
    ) as copy:
        view = memoryview(body)
        for start in range(0, len(body), 1 << 22):
            copy.write(view[start : start + (1 << 22)])
    _lap("copy")


_ROW_COLUMNS = {MEMBER: "mn", "item": "item", "date": "dt", "hours": "hr"}
_DELIMITERS = {",": "','", ";": "';'", "\t": "E'\\t'"}


def _regular(body: bytes, delimiter: str) -> bool:
    """Whether no line is blank or only delimiters (the reader skips those; ``COPY`` would
    not)."""
    sep = delimiter.encode()
    end = len(body)
    while end and body[end - 1] in b"\r\n":  # line ends closing the file end no line
        end -= 1
    if not body.startswith((sep, b"\n", b"\r")) and all(
        body.find(mark, 0, end) < 0 for mark in (b"\n" + sep, b"\n\n", b"\n\r")
    ):
        return True  # such a line would begin with one of these (found at memory speed)
    empty = re.compile(rb"(?:^|\n)" + re.escape(sep) + rb"*\r?(?:\n|$)")
    return empty.search(body, 0, end) is None


def _copy_cells(
    cursor: Any, body: bytes, delimiter: str, width: int, mapping: Mapping[int, Any]
) -> int | None:
    """The common file (header on the first line, every line a row of exactly the header's
    cells, nothing to trim) copied straight into the rows table, cell by cell, numbered as
    the sheet numbers its lines. ``None`` when a line has more or fewer cells: the caller
    then reads it line by line."""
    names = [_ROW_COLUMNS.get(mapping[i].name, f"x{i}") if i in mapping else f"x{i}"
             for i in range(width)]  # fmt: skip
    extra = [c for c in ("mn", "item", "dt", "hr") if c not in names]
    columns = ", ".join(f"{name} text" for name in names + extra)
    try:
        with transaction.atomic():
            cursor.execute("DROP TABLE study_import_rows")
            cursor.execute(
                "CREATE TEMPORARY TABLE study_import_rows (n bigint GENERATED ALWAYS AS "
                f"IDENTITY (START WITH 2), {columns}) ON COMMIT DROP"
            )
            # No cell is NULL (an empty one is ''): the NULL marker is a byte no such file holds.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(
                    f"COPY study_import_rows ({', '.join(names)}) FROM STDIN WITH (FORMAT csv, "
                    f"HEADER true, DELIMITER {_DELIMITERS[delimiter]}, QUOTE E'\\x01', "
                    "NULL E'\\x02')"
                ) as copy,
            ):
                view = memoryview(body)
                for start in range(0, len(body), 1 << 22):
                    copy.write(view[start : start + (1 << 22)])
            total = int(cursor.rowcount)
    except DatabaseError:
        return None  # a line of another width: COPY refused it
    _lap("copy")
    if not total:
        raise _refuse(gettext_noop("The file has a header row but no data rows."))
    return total


def _load_table(
    importer: StudyRecordImporter, cursor: Any, table: Table
) -> tuple[int, dict[str, str], list[str]]:
    """Stream the cells the generic reader found into the rows table."""
    _set_total(importer, len(table.rows))
    mapping, errors, notes = importer.map_headers(table)
    if errors:
        raise FileRefused(errors, notes)
    index = {column.name: i for i, column in mapping.items()}

    def getter(name: str) -> Callable[[list[str]], str | None]:
        if name not in index:
            return lambda cells: None
        i = index[name]
        return lambda cells: cells[i] if i < len(cells) else ""

    getters = [getter(name) for name in (MEMBER, "item", "date", "hours")]
    with cursor.cursor.copy("COPY study_import_rows (n, mn, item, dt, hr) FROM STDIN") as copy:
        for number, cells in table.rows:
            copy.write_row((number, *(g(cells) for g in getters)))
    headers = {c.name: table.headers[i] for i, c in mapping.items()}
    return len(table.rows), headers, table.notes + notes


# --- Checks ---------------------------------------------------------------------------------

_BLANK = gettext_noop("This column may not be empty.")
_TOO_LONG = gettext_noop("Too long: at most %(max)d characters, this has %(length)d.")
_MESSAGES = {
    "m_unknown": gettext_noop("No member has number %(value)s."),
    "m_scope": gettext_noop("Member %(value)s is not in a unit you manage."),
    "m_inactive": gettext_noop("Member %(value)s is not active."),
    "i_unknown": gettext_noop("No study item in force is called “%(value)s”."),
    "i_notreq": gettext_noop("“%(value)s” is not required of member %(member)s."),
    "d_future": gettext_noop("%(value)s is in the future."),
    "d_early": gettext_noop("%(value)s is before the campaign started."),
    "d_dup": gettext_noop("The same member, item and day are already on row %(other)d."),
}


def _distinct(cursor: Any) -> tuple[list[str], list[str], list[str]]:
    """The distinct item, date and hours texts of the rows, and (kept in the table
    ``study_import_numbers``) their distinct member numbers: one scan."""
    cursor.execute(
        "CREATE TEMPORARY TABLE study_import_distinct ON COMMIT DROP AS "
        "SELECT GROUPING(mn, item, dt, hr) AS g, mn, item, dt, hr FROM study_import_rows "
        "GROUP BY GROUPING SETS ((mn), (item), (dt), (hr))"
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE study_import_numbers ON COMMIT DROP AS "
        "SELECT mn FROM study_import_distinct WHERE g = 7 AND mn <> '' "  # grouped by mn
        "AND char_length(mn) <= 40"
    )
    cursor.execute("ANALYZE study_import_numbers")
    cursor.execute("SELECT g, item, dt, hr FROM study_import_distinct WHERE g <> 7")
    items: list[str] = []
    dates: list[str] = []
    hours: list[str] = []
    for grouping, item, day, hr in cursor.fetchall():
        if grouping == 0b1011:  # grouped by item
            items.append(item)
        elif grouping == 0b1101:
            dates.append(day)
        elif hr is not None and hr != "":
            hours.append(hr)
    cursor.execute("DROP TABLE study_import_distinct")
    return items, dates, hours


def _fill(
    cursor: Any, table: str, columns: str, types: list[str], rows: list[tuple[Any, ...]]
) -> None:
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    cursor.execute(
        f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS "
        f"SELECT * FROM unnest({arrays}) AS x({columns})",
        [[row[i] for row in rows] for i in range(len(types))],
    )


# Whether the row's item is required of its member (by cadre level, and by place for a batch's
# item), and the lookups every verdict of a row reads.
_REQUIRED = """(q.item_id IS NOT NULL AND (starts_with(m.path, q.first) OR EXISTS (
    SELECT 1 FROM unnest(string_to_array(q.more, ' ')) p
    WHERE q.more <> '' AND starts_with(m.path, p))))"""
_JOINS = """FROM study_import_rows r
    LEFT JOIN study_import_members m ON m.mn = r.mn
    LEFT JOIN study_import_items it ON it.txt = r.item
    LEFT JOIN study_import_dates d ON d.txt = r.dt
    LEFT JOIN study_import_hours h ON h.txt = r.hr
    LEFT JOIN study_import_rules q ON q.item_id = it.item_id AND q.level = m.level"""


def _check(
    importer: StudyRecordImporter,
    cursor: Any,
    actor: Any,
    headers: Mapping[str, str],
    total: int,
) -> tuple[list[RowError], int]:
    """Every bad row, as the row-by-row path lists them, and how many rows are good."""
    from .importers import progress_key

    item_texts, date_texts, hour_texts = _distinct(cursor)
    # Items: the importer's own lookup, by number or title.
    known = importer._items()
    item_rows: list[tuple[Any, ...]] = []
    rules: dict[int, Any] = {}
    for text in item_texts:
        if not text or len(text) > 200:
            continue
        found = known.get(progress_key(text))
        if found is None:
            item_rows.append((text, None, "unknown", None))
        elif found == "ambiguous":
            item_rows.append((text, None, "ambiguous", None))
        else:
            rule, start = found
            rules[rule.id] = rule
            item_rows.append((text, rule.id, "ok", start))
    _fill(cursor, "study_import_items", "txt, item_id, status, start",
          ["text", "bigint", "text", "date"], item_rows)  # fmt: skip
    rule_rows = [
        (rule.id, level, rule.prefixes[0], " ".join(rule.prefixes[1:]))
        for rule in rules.values()
        for level in rule.levels
    ]
    _fill(cursor, "study_import_rules", "item_id, level, first, more",
          ["bigint", "text", "text", "text"], rule_rows)  # fmt: skip
    # Dates and hours: the importer's own parsers; errors kept here by their text.
    cell_errors: dict[tuple[str, str], CellError] = {}
    date_rows: list[tuple[str, dt.date | None]] = []
    for text in date_texts:
        if not text:
            continue
        try:
            date_rows.append((text, _date(importer, text)))
        except CellError as exc:
            cell_errors[("date", text)] = exc
            date_rows.append((text, None))
    _fill(cursor, "study_import_dates", "txt, d", ["text", "date"], date_rows)
    hour_rows: list[tuple[str, Any]] = []
    for text in hour_texts:
        try:
            hour_rows.append((text, importer.column("hours").clean(text)))
        except CellError as exc:
            cell_errors[("hours", text)] = exc
            hour_rows.append((text, None))
    _fill(cursor, "study_import_hours", "txt, h", ["text", "numeric"], hour_rows)
    _lap("check: distinct values")
    # Members named in the file, and whether the actor may manage their unit.
    scope = scope_for(actor)
    manage = [g for g in scope.grants if g.manage]
    qn = connection.ops.quote_name
    cursor.execute(
        "CREATE TEMPORARY TABLE study_import_members ON COMMIT DROP AS "
        "SELECT m.member_number AS mn, m.id, m.cadre_level AS level, m.status, u.path, "
        "(%(everything)s OR EXISTS (SELECT 1 FROM unnest(%(g_path)s::text[], "
        "%(g_subtree)s::bool[], %(g_unit)s::bigint[]) g(path, subtree, unit_id) "
        "WHERE CASE WHEN g.subtree THEN starts_with(u.path, g.path) "
        "ELSE u.id = g.unit_id END)) AS allowed "
        f"FROM {qn(Member._meta.db_table)} m JOIN {qn(Unit._meta.db_table)} u "
        "ON u.id = m.unit_id "
        "WHERE m.member_number IN (SELECT mn FROM study_import_numbers)",
        {
            "everything": scope.everything,
            "g_path": [g.path for g in manage],
            "g_subtree": [g.subtree for g in manage],
            "g_unit": [g.unit_id for g in manage],
        },
    )
    cursor.execute("ANALYZE study_import_members")
    _lap("check: members")
    params = {"active": MemberStatus.ACTIVE, "today": timezone.localdate()}
    # Each row: good or not (a bad row's errors are worked out below, for the bad rows only).
    # A blank or too long member number or item matches nothing: they were left out above.
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE study_import_checked ON COMMIT DROP AS
        SELECT r.n, m.id AS member_id, it.item_id, d.d AS day, h.h AS hours,
               coalesce(m.allowed AND m.status = %(active)s AND it.status = 'ok'
                        AND {_REQUIRED} AND d.d <= %(today)s AND d.d >= it.start
                        AND (r.hr IS NULL OR r.hr = '' OR h.h IS NOT NULL), false) AS good
        {_JOINS}
        """,
        params,
    )
    cursor.execute("SELECT count(*) FROM study_import_checked WHERE good")
    good = int(cursor.fetchone()[0])
    _lap("check: rows")
    if good == total:
        return [], good  # duplicates inside the file: the caller looks after the insert
    errors = _duplicates(cursor, headers) + _row_errors(cursor, headers, cell_errors, params)
    _lap("check: errors")
    return errors, good


def _duplicates(cursor: Any, headers: Mapping[str, str]) -> list[RowError]:
    """Rows that repeat an earlier good row's member, item and day (that one keeps it)."""
    cursor.execute(
        "SELECT c.n, f.first FROM study_import_checked c JOIN ("
        "SELECT member_id, item_id, day, min(n) AS first FROM study_import_checked "
        "WHERE good GROUP BY member_id, item_id, day HAVING count(*) > 1) f "
        "USING (member_id, item_id, day) WHERE c.good AND c.n > f.first"
    )
    duplicates = dict(cursor.fetchall())
    if not duplicates:
        return []
    cursor.execute("SELECT n, dt FROM study_import_rows WHERE n = ANY(%s)", [list(duplicates)])
    return [
        _error(headers, n, "date", _MESSAGES["d_dup"], text, other=duplicates[n])
        for n, text in sorted(cursor.fetchall())
    ]


def _date(importer: StudyRecordImporter, text: str) -> dt.date:
    """The row-by-row path's reading of a date cell."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    value: dt.date = importer.column("date").clean(text)
    return value


def _error(
    headers: Mapping[str, str], n: int, column: str, message: str, text: str, **params: Any
) -> RowError:
    return RowError(n, column, message, value=text, params=params, header=headers.get(column, ""))


def _row_errors(
    cursor: Any,
    headers: Mapping[str, str],
    cell_errors: Mapping[tuple[str, str], CellError],
    params: Mapping[str, Any],
) -> list[RowError]:
    """The errors of the rows that are not good, in the order the row-by-row path decides
    them, as :class:`RowError` objects."""
    cursor.execute(
        f"""
        WITH base AS (
            SELECT r.n, r.mn, r.item, r.dt, r.hr, it.start, d.d AS day,
                   CASE WHEN r.mn = '' THEN 'blank' WHEN char_length(r.mn) > 40 THEN 'long'
                        WHEN m.id IS NULL THEN 'm_unknown' WHEN NOT m.allowed THEN 'm_scope'
                        WHEN m.status <> %(active)s THEN 'm_inactive' END AS e_member,
                   CASE WHEN r.item = '' THEN 'blank' WHEN char_length(r.item) > 200
                        THEN 'long' WHEN it.status = 'unknown' THEN 'i_unknown'
                        WHEN it.status = 'ambiguous' THEN 'i_ambiguous' END AS e_found,
                   CASE WHEN r.dt = '' THEN 'blank' WHEN d.d IS NULL THEN 'bad' END AS e_parse,
                   CASE WHEN r.hr <> '' AND h.h IS NULL THEN 'bad' END AS e_hours,
                   {_REQUIRED} AS required
            {_JOINS}
            WHERE r.n IN (SELECT n FROM study_import_checked WHERE NOT good)
        ), items AS (
            SELECT b.*, CASE WHEN e_found IS NOT NULL THEN e_found
                             WHEN e_member IS NULL AND NOT required THEN 'i_notreq'
                        END AS e_item,
                   -- the item as far as the date is concerned (found, and required when
                   -- the member is good)
                   e_found IS NULL AND NOT (e_member IS NULL AND NOT required) AS item_ok
            FROM base b
        )
        SELECT n, mn, item, dt, hr, day, e_member, e_item,
               CASE WHEN e_parse IS NOT NULL THEN e_parse WHEN day > %(today)s THEN 'd_future'
                    WHEN item_ok AND day < start THEN 'd_early' END AS e_date, e_hours
        FROM items ORDER BY n
        """,
        params,
    )
    errors: list[RowError] = []
    add = errors.append
    for n, mn, item, text, hr, day, e_member, e_item, e_date, e_hours in cursor.fetchall():
        before = len(errors)
        for column, code, raw, value in (
            (MEMBER, e_member, mn, mn),
            ("item", e_item, item, item),
        ):
            if code is None:
                continue
            if code == "blank":
                add(_error(headers, n, column, _BLANK, raw))
            elif code == "long":
                limit = 40 if column == MEMBER else 200
                add(_error(headers, n, column, _TOO_LONG, raw, max=limit, length=len(raw)))
            elif code == "i_ambiguous":
                from .importers import AMBIGUOUS

                add(_error(headers, n, column, AMBIGUOUS, raw, value=value))
            elif code == "i_notreq":
                add(_error(headers, n, column, _MESSAGES[code], raw, value=value, member=mn))
            else:
                add(_error(headers, n, column, _MESSAGES[code], raw, value=value))
        if e_date == "blank":
            add(_error(headers, n, "date", _BLANK, text))
        elif e_date == "bad":
            exc = cell_errors[("date", text)]
            add(_error(headers, n, "date", exc.message, text, **exc.params))
        elif e_date is not None:
            add(_error(headers, n, "date", _MESSAGES[e_date], text, value=day.isoformat()))
        if e_hours is not None:
            exc = cell_errors[("hours", hr)]
            add(_error(headers, n, "hours", exc.message, hr, **exc.params))
        if len(errors) == before:  # the verdict and the errors must agree, or nothing is written
            raise RuntimeError(f"row {n} of the study import is bad but has no error")
    return errors


# --- Writing --------------------------------------------------------------------------------


def _insert(cursor: Any, actor: Any) -> tuple[int, bool]:
    """Insert the good rows not there yet: how many, and whether the file surely repeats no
    row (a repeat is written by none of the ways; ``False`` when that is not known).

    ``ON CONFLICT DO NOTHING`` skips what is there already, at a price: half as much again
    as the insert or more, each row looked for before it is written. A study app's export brings
    records not there yet, so a plain insert is tried first, by member. Should it meet a
    record (a re-import, an export overlapping an earlier one, a row repeating another), it
    stops there and is rolled back; then the records already there are found, one look per
    member at their records of the file's items and days, and the others written by a plain
    insert again. Only if that meets a record too (a repeat, or the same records imported
    meanwhile) are the rows written the careful way."""
    try:
        with transaction.atomic():
            return _write(cursor, actor, on_conflict=""), True
    except IntegrityError:
        pass
    _find_existing(cursor)
    try:
        with transaction.atomic():
            created = _write(cursor, actor, on_conflict="", skip_existing=True)
    except IntegrityError:
        return _write(cursor, actor, on_conflict="ON CONFLICT DO NOTHING"), False
    # The rows written repeat none of each other; one repeating a record already there was
    # left out with it, so look among those.
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM study_import_existing GROUP BY member_id, item_id, day "
        "HAVING count(*) > 1)"
    )
    return created, not cursor.fetchone()[0]


def _find_existing(cursor: Any) -> None:
    """``study_import_existing``: the good rows whose record is there already (live, imported),
    found among each member's live records of the file's items and days: one range of the
    uniqueness rule's index a member, not one look a row."""
    table = connection.ops.quote_name(StudyRecord._meta.db_table)
    cursor.execute("DROP TABLE IF EXISTS study_import_existing")
    cursor.execute(
        "CREATE TEMPORARY TABLE study_import_existing ON COMMIT DROP AS "
        "SELECT c.n, c.member_id, c.item_id, c.day FROM ("
        "SELECT DISTINCT member_id FROM study_import_checked WHERE good ORDER BY member_id) m "
        "CROSS JOIN LATERAL (SELECT r.item_id, r.date FROM "
        f"{table} r WHERE r.member_id = m.member_id AND r.archived_at IS NULL "
        "AND r.item_id = ANY(ARRAY(SELECT item_id FROM study_import_items "
        "WHERE item_id IS NOT NULL)) AND r.date = ANY(ARRAY(SELECT d FROM study_import_dates "
        "WHERE d IS NOT NULL)) AND r.source = %s) e "
        "JOIN study_import_checked c ON c.member_id = m.member_id AND c.item_id = e.item_id "
        "AND c.day = e.date AND c.good",
        [RecordSource.IMPORT],
    )


def _write(cursor: Any, actor: Any, *, on_conflict: str, skip_existing: bool = False) -> int:
    """The insert, by member: each page of the uniqueness rule's index (led by the member) is
    then written once, in order. ``skip_existing``: not the rows of
    ``study_import_existing``."""
    table = connection.ops.quote_name(StudyRecord._meta.db_table)
    skip = (
        " AND NOT EXISTS (SELECT 1 FROM study_import_existing x WHERE x.n = c.n)"
        if skip_existing
        else ""
    )
    cursor.execute(
        f"INSERT INTO {table} (member_id, item_id, date, hours, source, session_id, is_makeup, "
        "note, created_by_id, created_at) "
        "SELECT member_id, item_id, day, hours, %s, NULL, false, '', %s, %s "
        f"FROM study_import_checked c WHERE good{skip} ORDER BY member_id "  # one key sorts faster
        f"{on_conflict}",
        [RecordSource.IMPORT, getattr(actor, "pk", None), timezone.now()],
    )
    return int(cursor.rowcount)


__all__ = ["import_whole_file", "last_timings", "plain_csv"]
