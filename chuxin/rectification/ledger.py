"""The rectification ledger (整改台账): the problem list, the task list and the responsibility
list, filtered alike, and their export to .xlsx in the format offices already keep.

The problem list's sheet has the office columns (序号, 问题编号, 问题来源, ... 备注); it is
also what the ledger import reads, so an export imports back unchanged. Headers are Chinese
when the page is in Chinese and English otherwise; enumerated columns get dropdowns.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from chuxin.core.exports import export_filename, safe_cell
from chuxin.organization.models import Unit
from chuxin.problems.models import Problem, ProblemCategory, ProblemSource
from chuxin.problems.selectors import problems_visible

from . import counters, selectors
from .models import (
    OPEN_STATUSES,
    Evidence,
    ProgressUpdate,
    RectificationTask,
    StageObjective,
    TaskStatus,
)
from .models import TaskType as TaskTypeChoices

DONE_MARK = "✓"
LIST_SEP = "、"


@dataclass(frozen=True)
class LedgerColumn:
    key: str
    zh: str
    en: Any
    width: int = 14
    choices: Any = None

    def header(self) -> str:
        return self.zh if is_chinese() else str(self.en)


def is_chinese() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


PROBLEM_COLUMNS = (
    LedgerColumn("no", "序号", _("No."), 6),
    LedgerColumn("code", "问题编号", _("Problem number"), 16),
    LedgerColumn("source", "问题来源", _("Source"), 16, ProblemSource),
    LedgerColumn("category", "类别", _("Category"), 22, ProblemCategory),
    LedgerColumn("description", "问题描述", _("Problem description"), 40),
    LedgerColumn("direction", "整改目标", _("Rectification goal"), 30),
    LedgerColumn("measures", "整改措施", _("Work measures"), 40),
    LedgerColumn("leader", "责任领导", _("Responsible leader"), 12),
    LedgerColumn("unit", "责任单位", _("Responsible unit"), 20),
    LedgerColumn("co_units", "配合单位", _("Co-operating units"), 20),
    LedgerColumn("person", "责任人", _("Responsible person"), 12),
    LedgerColumn("time_limit", "整改时限", _("Time limit"), 12),
    LedgerColumn("task_type", "整改类型", _("Rectification type"), 12, TaskTypeChoices),
    LedgerColumn("objectives", "阶段目标", _("Stage objectives"), 36),
    LedgerColumn("progress", "整改进展", _("Progress"), 36),
    LedgerColumn("status", "完成情况", _("Completion"), 16, TaskStatus),
    LedgerColumn("evidence", "佐证材料", _("Evidence"), 24),
    LedgerColumn("closed_on", "销号日期", _("Closed on"), 12),
    LedgerColumn("note", "备注", _("Remarks"), 20),
)

TASK_COLUMNS = (
    LedgerColumn("no", "序号", _("No."), 6),
    LedgerColumn("task_code", "任务编号", _("Task number"), 16),
    LedgerColumn("title", "整改任务", _("Task"), 30),
    LedgerColumn("problem_codes", "问题编号", _("Problem numbers"), 18),
    LedgerColumn("unit", "责任单位", _("Responsible unit"), 20),
    LedgerColumn("leader", "责任领导", _("Responsible leader"), 12),
    LedgerColumn("person", "责任人", _("Responsible person"), 12),
    LedgerColumn("time_limit", "整改时限", _("Time limit"), 12),
    LedgerColumn("task_type", "整改类型", _("Rectification type"), 12, TaskTypeChoices),
    LedgerColumn("status", "完成情况", _("Completion"), 16, TaskStatus),
    LedgerColumn("progress_pct", "进度(%)", _("Progress (%)"), 10),
    LedgerColumn("overdue", "是否逾期", _("Overdue"), 10),
    LedgerColumn("closed_on", "销号日期", _("Closed on"), 12),
)

RESPONSIBILITY_COLUMNS = (
    LedgerColumn("no", "序号", _("No."), 6),
    LedgerColumn("leader", "责任领导", _("Responsible leader"), 14),
    LedgerColumn("person", "责任人", _("Responsible person"), 14),
    LedgerColumn("unit", "责任单位", _("Responsible unit"), 20),
    LedgerColumn("tasks", "任务数", _("Tasks"), 10),
    LedgerColumn("closed", "已销号", _("Closed"), 10),
    LedgerColumn("open", "未完成", _("Open"), 10),
    LedgerColumn("overdue", "逾期", _("Overdue"), 10),
)


# --- Filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerFilters:
    unit: Unit | None = None
    batch: int | None = None
    source: str = ""
    category: str = ""
    status: str = ""
    task_type: str = ""
    overdue: bool = False

    def task_filters(self) -> selectors.TaskFilters:
        return selectors.TaskFilters(
            unit=self.unit,
            status=self.status,
            task_type=self.task_type,
            overdue=self.overdue,
            source=self.source,
            category=self.category,
            batch=self.batch,
        )


def ledger_problems(user: Any, f: LedgerFilters) -> QuerySet[Problem]:
    """The problem list: visible problems (not merged) with the ledger's filters; status, type
    and overdue filter by the problem's tasks."""
    counters.overdue_current()
    qs = problems_visible(user).exclude(status="merged")
    if f.unit is not None:
        qs = qs.filter(unit__path__startswith=f.unit.path)
    if f.batch:
        qs = qs.filter(selectors.batch_q(f.batch, "unit"))
    if f.source:
        qs = qs.filter(source=f.source)
    if f.category:
        qs = qs.filter(category=f.category)
    task_q = Q()
    if f.status:
        task_q &= Q(tasks__status=f.status)
    if f.task_type:
        task_q &= Q(tasks__task_type=f.task_type)
    if f.overdue:
        task_q &= Q(tasks__is_overdue=True)
    if task_q:
        qs = qs.filter(pk__in=Problem.objects.filter(task_q).values("pk"))
    return qs.order_by("unit__path", "reported_on", "pk")


def ledger_tasks(user: Any, f: LedgerFilters) -> QuerySet[RectificationTask]:
    return selectors.tasks_filtered(user, f.task_filters()).order_by("time_limit", "pk")


def responsibility_rows(user: Any, f: LedgerFilters) -> QuerySet[Any]:
    """Per responsible leader, person and unit: tasks, closed, open, overdue."""
    return (
        ledger_tasks(user, f)
        .order_by()
        .values(
            "responsible_leader__name",
            "responsible_person__name",
            "responsible_unit__name",
            "responsible_unit__path",
        )
        .annotate(
            tasks=Count("id"),
            closed=Count("id", filter=Q(status=TaskStatus.VERIFIED)),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("id", filter=Q(is_overdue=True)),
        )
        .order_by("responsible_unit__path", "responsible_leader__name", "responsible_person__name")
    )


# --- Cell values -----------------------------------------------------------------------------


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def objectives_text(objectives: Iterable[StageObjective]) -> str:
    """One line per objective: ``2026-01-10 排查线路`` and `` ✓2026-01-05`` once done."""
    lines = []
    for o in objectives:
        line = f"{o.due_on.isoformat()} {o.title}"
        if o.done_on:
            line += f" {DONE_MARK}{o.done_on.isoformat()}"
        lines.append(line)
    return "\n".join(lines)


def measures_text(measures: list[str]) -> str:
    return "\n".join(f"{i}. {m}" for i, m in enumerate(measures, start=1))


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def problem_cells(no: int, problem: Problem) -> dict[str, Any]:
    tasks = list(problem.tasks.all())
    task = tasks[0] if tasks else None
    description = problem.description or problem.title
    if problem.description and problem.title and not problem.description.startswith(problem.title):
        description = f"{problem.title}\n{problem.description}"
    cells: dict[str, Any] = {
        "no": no,
        "code": problem.code,
        "source": _label(ProblemSource, problem.source),
        "category": _label(ProblemCategory, problem.category),
        "description": description,
    }
    if task is None:
        return cells
    updates = list(task.updates.all())
    files = [e.label for e in task.evidence.all()]
    return cells | {
        "direction": task.direction,
        "measures": measures_text(task.measures),
        "leader": task.responsible_leader.name if task.responsible_leader else "",
        "unit": task.responsible_unit.name,
        "co_units": LIST_SEP.join(u.name for u in task.co_units.all()),
        "person": task.responsible_person.name if task.responsible_person else "",
        "time_limit": _date(task.time_limit),
        "task_type": _label(TaskTypeChoices, task.task_type),
        "objectives": objectives_text(task.stage_objectives.all()),
        "progress": f"{updates[0].date.isoformat()} {updates[0].text}" if updates else "",
        "status": _label(TaskStatus, task.status),
        "evidence": LIST_SEP.join(files),
        "closed_on": _date(task.closed_on),
        "note": task.note,
    }


def task_cells(no: int, task: RectificationTask) -> dict[str, Any]:
    return {
        "no": no,
        "task_code": task.code,
        "title": task.title,
        "problem_codes": LIST_SEP.join(p.code for p in task.problems.all()),
        "unit": task.responsible_unit.name,
        "leader": task.responsible_leader.name if task.responsible_leader else "",
        "person": task.responsible_person.name if task.responsible_person else "",
        "time_limit": _date(task.time_limit),
        "task_type": _label(TaskTypeChoices, task.task_type),
        "status": _label(TaskStatus, task.status),
        "progress_pct": task.progress,
        "overdue": "是" if task.is_overdue and is_chinese() else ("yes" if task.is_overdue else ""),
        "closed_on": _date(task.closed_on),
    }


def responsibility_cells(no: int, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "no": no,
        "leader": row["responsible_leader__name"] or "",
        "person": row["responsible_person__name"] or "",
        "unit": row["responsible_unit__name"],
        "tasks": row["tasks"],
        "closed": row["closed"],
        "open": row["open"],
        "overdue": row["overdue"],
    }


def with_ledger_prefetch(qs: QuerySet[Problem]) -> QuerySet[Problem]:
    tasks = RectificationTask.objects.select_related(
        "responsible_unit", "responsible_leader", "responsible_person"
    ).prefetch_related(
        "co_units",
        Prefetch("stage_objectives", queryset=StageObjective.objects.order_by("order", "id")),
        Prefetch("updates", queryset=ProgressUpdate.objects.order_by("-date", "-id")),
        Prefetch("evidence", queryset=Evidence.objects.order_by("id")),
    )
    return qs.prefetch_related(Prefetch("tasks", queryset=tasks.order_by("pk")))


def _chunked(qs: QuerySet[Any], size: int = 2000) -> Iterator[Any]:
    """Rows in primary-key batches (prefetches work per batch, memory stays flat)."""
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        by_pk = {obj.pk: obj for obj in qs.filter(pk__in=chunk)}
        for pk in chunk:
            if pk in by_pk:
                yield by_pk[pk]


# --- The workbook ----------------------------------------------------------------------------


CHOICE_SETS = (ProblemSource, ProblemCategory, TaskTypeChoices, TaskStatus)


def _sheet(
    workbook: Workbook,
    title: str,
    columns: tuple[LedgerColumn, ...],
    rows: Iterable[dict[str, Any]],
    lists_title: str,
    max_rows: int = 1_048_575,
) -> int:
    sheet = workbook.create_sheet(title=title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.choices is None:
            continue
        # Labels may hold commas, so the dropdown lists live on a hidden sheet.
        list_letter = get_column_letter(CHOICE_SETS.index(column.choices) + 1)
        size = len(column.choices.choices)
        validation = DataValidation(
            type="list",
            formula1=f"'{lists_title}'!${list_letter}$1:${list_letter}${size}",
            allow_blank=True,
            showErrorMessage=True,
        )
        validation.add(f"{letter}2:{letter}{max_rows}")
        sheet.data_validations.append(validation)
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header())
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([safe_cell(row.get(c.key, "")) for c in columns])
        count += 1
    return count


def _lists_sheet(workbook: Workbook, title: str) -> None:
    sheet = workbook.create_sheet(title=title)
    sheet.sheet_state = "hidden"
    labels = [[str(label) for _value, label in choices.choices] for choices in CHOICE_SETS]
    for i in range(max(len(column) for column in labels)):
        sheet.append([column[i] if i < len(column) else None for column in labels])


def ledger_workbook(user: Any, f: LedgerFilters, path: str) -> dict[str, int]:
    """Write the three lists to ``path`` as one .xlsx; returns the rows written per sheet."""
    workbook = Workbook(write_only=True)
    zh = is_chinese()
    lists_title = "选项" if zh else "Lists"
    problems = _chunked(with_ledger_prefetch(ledger_problems(user, f)))
    tasks = _chunked(
        ledger_tasks(user, f).prefetch_related("problems"),
    )
    counts = {
        "problems": _sheet(
            workbook,
            "问题清单" if zh else str(_("Problem list")),
            PROBLEM_COLUMNS,
            (problem_cells(i, p) for i, p in enumerate(problems, start=1)),
            lists_title,
        ),
        "tasks": _sheet(
            workbook,
            "任务清单" if zh else str(_("Task list")),
            TASK_COLUMNS,
            (task_cells(i, t) for i, t in enumerate(tasks, start=1)),
            lists_title,
        ),
        "responsibility": _sheet(
            workbook,
            "责任清单" if zh else str(_("Responsibility list")),
            RESPONSIBILITY_COLUMNS,
            (
                responsibility_cells(i, r)
                for i, r in enumerate(responsibility_rows(user, f).iterator(), start=1)
            ),
            lists_title,
        ),
    }
    _lists_sheet(workbook, lists_title)
    workbook.save(path)
    return counts


def ledger_stem(unit: Unit | None) -> str:
    """The file name's stem of a unit's ledger (the page and the API name it alike)."""
    return f"ledger-{unit.code}" if unit else "ledger"


def ledger_response(user: Any, f: LedgerFilters, stem: str) -> FileResponse:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    ledger_workbook(user, f, handle.name)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=export_filename(stem, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
