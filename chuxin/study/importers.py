"""Import of study records (from a study app's export or a unit's sheet): member number, item,
date, hours. One bad row imports nothing and every bad row is listed; a record already there
(same member, item, day) is skipped, so re-importing a file adds nothing twice."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from chuxin.core.imports import (
    CellError,
    Column,
    Counts,
    FileRefused,
    Importer,
    Row,
    RowError,
    Table,
    register,
)
from chuxin.core.scoping import scope_for
from chuxin.organization.models import Member, MemberStatus, Unit

from . import progress
from .bulk import NewRecord, no_gc, study_records_bulk_create
from .models import RecordSource, StudyItem

AMBIGUOUS = gettext_noop("Several items are called “%(value)s”; use the item's number.")
TENTH, ZERO, MAX_HOURS = Decimal("0.1"), Decimal(0), Decimal("999.9")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$")


def date_value(raw: str) -> dt.date:
    """2019-11-20, 2019/11/20, 2019.11.20 or 2019年11月20日 (a time after it is ignored)."""
    match = _DATE.match(raw)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError(gettext_noop("“%(value)s” is not a date like 2019-11-20."), value=raw)


def hours_value(raw: str) -> Decimal:
    try:
        hours = Decimal(raw).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise CellError(gettext_noop("“%(value)s” is not a number of hours."), value=raw) from exc
    if not Decimal(0) < hours <= Decimal("999.9"):
        raise CellError(gettext_noop("Hours must be more than 0 and at most 999.9."), value=raw)
    return hours


@register
class StudyRecordImporter(Importer):
    """Study records: who studied which item on which day, for how many hours."""

    kind = "study_records"
    label = _("Study records")
    columns = (
        Column(
            "member_number",
            _("Member number"),
            aliases=("党员编号", "编号", "党员号"),
            required=True,
            blank=False,
            max_length=40,
            help=_("The member's number as on the roster."),
        ),
        Column(
            "item",
            _("Study item"),
            aliases=("学习项目", "学习内容", "项目"),
            required=True,
            blank=False,
            max_length=200,
            help=_("The item's title as on the study items page, or its number."),
        ),
        Column(
            "date",
            _("Date"),
            aliases=("日期", "学习日期"),
            required=True,
            blank=False,
            parser=date_value,
            help=_("The day of the study, e.g. 2019-11-20."),
        ),
        Column(
            "hours",
            _("Hours"),
            aliases=("学时", "时长"),
            parser=hours_value,
            help=_("Hours studied (optional)."),
        ),
    )
    example = {"member_number": "A0001", "item": "学习党章", "date": "2019-11-20", "hours": "2"}

    def __init__(self, job: Any = None) -> None:
        super().__init__(job)
        self._records: list[NewRecord] = []

    @classmethod
    def parse(
        cls, table: Table, progress: Callable[[int], None] | None = None
    ) -> tuple[list[Row], list[RowError], list[str]]:
        """The base class's parse, specialised for four columns: study app exports run to
        millions of rows. Same values, same errors (a bad cell falls back to the column)."""
        with no_gc():
            return cls._parse(table, progress)

    @classmethod
    def _parse(
        cls, table: Table, progress: Callable[[int], None] | None
    ) -> tuple[list[Row], list[RowError], list[str]]:
        mapping, errors, notes = cls.map_headers(table)
        if errors:
            raise FileRefused(errors, notes)
        headers = {c.name: table.headers[i] for i, c in mapping.items()}
        columns = list(mapping.items())
        fast = {"member_number": 40, "item": 200}
        rows: list[Row] = []
        append = rows.append
        step = 10_000
        for done, (number, cells) in enumerate(table.rows, start=1):
            raw: dict[str, str] = {}
            values: dict[str, Any] = {}
            width = len(cells)
            for index, column in columns:
                text = cells[index] if index < width else ""
                name = column.name
                raw[name] = text
                limit = fast.get(name)
                if limit is not None and text and len(text) <= limit:
                    values[name] = text
                    continue
                if name == "hours" and text:
                    try:
                        hours = Decimal(text).quantize(TENTH)
                    except (InvalidOperation, ValueError):
                        pass
                    else:
                        if ZERO < hours <= MAX_HOURS:
                            values[name] = hours
                            continue
                if name == "date" and len(text) == 10 and text[4] == "-" and text[7] == "-":
                    try:
                        values[name] = dt.date.fromisoformat(text)
                        continue
                    except ValueError:
                        pass
                try:
                    values[name] = column.clean(text)
                except CellError as exc:
                    errors.append(
                        RowError(
                            number, name, exc.message, value=text, params=exc.params,
                            header=headers[name],
                        )
                    )  # fmt: skip
            append(Row(number=number, raw=raw, values=values))
            if progress is not None and (done % step == 0 or done == len(table.rows)):
                progress(done)
        return rows, errors, notes

    def validate(self, rows: list[Row], actor: Any) -> list[RowError]:
        with no_gc():
            return self._validate(rows, actor)

    def _validate(self, rows: list[Row], actor: Any) -> list[RowError]:
        errors: list[RowError] = []
        items = self._items()
        members = self._members({r.values["member_number"] for r in rows if r.has("member_number")})
        scope = scope_for(actor)
        manage = [g for g in scope.grants if g.manage]
        today = timezone.localdate()
        seen: dict[tuple[int, int, dt.date], int] = {}
        records: list[NewRecord] = []

        decided: dict[int, bool] = {}

        def allowed(unit_id: int, path: str) -> bool:
            """May the actor manage this unit (decided once per unit)?"""
            if scope.everything:
                return True
            if unit_id not in decided:
                decided[unit_id] = any(
                    path.startswith(g.path) if g.subtree else unit_id == g.unit_id for g in manage
                )
            return decided[unit_id]

        def err(row: Row, column: str, message: str, **params: Any) -> None:
            errors.append(
                RowError(row.number, column, message, value=row.raw.get(column, ""), params=params)
            )

        item_of: dict[str, Any] = {}
        required: dict[tuple[int, str, int], bool] = {}
        missing = object()
        for row in rows:
            values = row.values
            member = item = None
            number = values.get("member_number")
            if number is not None:
                member = members.get(number)
                if member is None:
                    err(row, "member_number", gettext_noop("No member has number %(value)s."),
                        value=number)  # fmt: skip
                elif not allowed(member[1], member[2]):
                    err(row, "member_number",
                        gettext_noop("Member %(value)s is not in a unit you manage."),
                        value=number)  # fmt: skip
                    member = None
                elif member[4] != MemberStatus.ACTIVE:
                    err(row, "member_number", gettext_noop("Member %(value)s is not active."),
                        value=number)  # fmt: skip
                    member = None
            title = values.get("item")
            if title is not None:
                found = item_of.get(title, missing)
                if found is missing:
                    found = item_of[title] = items.get(progress_key(title))
                if found is None:
                    err(row, "item", gettext_noop("No study item in force is called “%(value)s”."),
                        value=title)  # fmt: skip
                elif found == "ambiguous":
                    err(row, "item", AMBIGUOUS, value=title)
                else:
                    item = found
            if member is not None and item is not None:
                rule = item[0]
                key3 = (member[1], member[3], rule.id)
                ok = required.get(key3)
                if ok is None:
                    ok = required[key3] = rule.required_of(member[3], member[2])
                if not ok:
                    err(row, "item",
                        gettext_noop("“%(value)s” is not required of member %(member)s."),
                        value=title, member=number)  # fmt: skip
                    item = None
            day = values.get("date")
            if day is not None:
                if day > today:
                    err(row, "date", gettext_noop("%(value)s is in the future."),
                        value=day.isoformat())  # fmt: skip
                    day = None
                elif item is not None and day < item[1]:
                    err(row, "date", gettext_noop("%(value)s is before the campaign started."),
                        value=day.isoformat())  # fmt: skip
                    day = None
            if member is None or item is None or day is None:
                continue
            if "hours" in row.raw and "hours" not in values:
                continue  # a bad hours cell, already reported
            key = (member[0], item[0].id, day)
            other = seen.get(key)
            if other is not None:
                err(row, "date",
                    gettext_noop("The same member, item and day are already on row %(other)d."),
                    other=other)  # fmt: skip
                continue
            seen[key] = row.number
            records.append(NewRecord(key[0], key[1], day, values.get("hours")))
        self._records = records
        return errors

    def takes_whole_file(self, data: bytes) -> bool:
        """On PostgreSQL the whole file is checked and written set-based (:mod:`.import_sql`)."""
        return connection.vendor == "postgresql"

    def import_whole_file(self, data: bytes, actor: Any) -> tuple[Counts, list[str]]:
        from .import_sql import import_whole_file

        return import_whole_file(self, data, actor)

    def apply(self, clean_rows: list[Row], actor: Any) -> Counts:
        created, skipped = study_records_bulk_create(
            rows=self._records, source=RecordSource.IMPORT, actor=actor
        )
        return Counts(created=created, unchanged=skipped)

    @staticmethod
    def _items() -> dict[str, Any]:
        """Items in force by number and by title (``"ambiguous"`` when titles repeat)."""
        objs = list(
            StudyItem.objects.filter(in_force=True, archived_at__isnull=True).select_related(
                "campaign__root_unit"
            )
        )
        rules = {i.pk: progress.rule_for(i) for i in objs}
        out: dict[str, Any] = {}
        for obj in objs:
            value = (rules[obj.pk], obj.campaign.start_date)
            out[str(obj.pk)] = value
            key = progress_key(obj.title)
            out[key] = "ambiguous" if key in out and out[key] != value else value
        return out

    @staticmethod
    def _members(numbers: set[str]) -> dict[str, tuple[int, int, str, str, str]]:
        out: dict[str, tuple[int, int, str, str, str]] = {}
        wanted = list(numbers)
        if connection.vendor == "postgresql":
            qn = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT m.member_number, m.id, m.unit_id, u.path, m.cadre_level, m.status "
                    f"FROM {qn(Member._meta.db_table)} m JOIN {qn(Unit._meta.db_table)} u "
                    "ON u.id = m.unit_id WHERE m.member_number = ANY(%s)",
                    [wanted],
                )
                for number, pk, unit_id, path, level, status in cursor:
                    out[number] = (pk, unit_id, path, level, status)
            return out
        size = progress.in_size()
        for start in range(0, len(wanted), size):
            for number, pk, unit_id, path, level, status in Member.objects.filter(
                member_number__in=wanted[start : start + size]
            ).values_list("member_number", "pk", "unit_id", "unit__path", "cadre_level", "status"):
                out[number] = (pk, unit_id, path, level, status)
        return out


def progress_key(text: str) -> str:
    return " ".join(str(text).split()).casefold()
