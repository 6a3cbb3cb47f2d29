"""Import of the rectification ledger from the office format (the problem list sheet of the
ledger export, or a unit's own spreadsheet with the same columns): one row per problem with
its rectification task. All or nothing; a re-import updates by 问题编号 (problem number)
instead of adding the problem again.

The columns of what happened are applied through the services, as if a person did it:
整改进展 (progress) becomes a progress update unless the task already has one saying the same;
完成情况 (completion) moves the task along the status machine (e.g. "已完成" submits it for
verification; verifying, returning and reopening need a verifier); 销号日期 (closing date)
means verified and closed on that date, which only a verifier may import; 佐证材料 (evidence)
is recorded as an evidence note (a text reference: files cannot come in a spreadsheet), its
items not already named by the task's evidence. A row asking for what the status machine or
the importing user's rights refuse is a row error, and nothing is imported.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from chuxin.core.imports import (
    CellError,
    ChoiceParser,
    Column,
    Counts,
    Importer,
    ImportRefused,
    Row,
    RowError,
    duplicate_errors,
    register,
)
from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import Member, Unit
from chuxin.organization.selectors import campaigns_visible, members_visible, units_visible
from chuxin.problems import services as problem_services
from chuxin.problems.models import Problem, ProblemCategory, ProblemSource

from . import services
from .backfill import task_closing_date_set
from .evidence import evidence_note_add
from .ledger import DONE_MARK, LIST_SEP, PROBLEM_COLUMNS
from .models import RectificationTask, StageObjective, TaskStatus, TaskType

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$")
_OBJECTIVE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2})\s+(.+?)(?:\s+" + DONE_MARK + r"(\d{4}-\d{1,2}-\d{1,2}))?$"
)
# Full-width punctuation as offices type it: \uff0e . \uff08 ( \uff09 ) \uff0c , \uff1b ;
_NUMBERING = re.compile("^\\s*(?:\\d+[.\u3001\uff0e)\uff09]|[\uff08(]\\d+[)\uff09])\\s*")
_SPLIT = re.compile("[\u3001,\uff0c;\uff1b\n]+")
_NAME_NUMBER = re.compile("^(.+?)\\s*[(\uff08]\\s*([^()\uff08\uff09]+)\\s*[)\uff09]$")


def date_value(raw: str) -> dt.date:
    match = _DATE.match(raw)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError(gettext_noop("“%(value)s” is not a date like 2019-11-20."), value=raw)


_PROGRESS = re.compile(r"^(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)\s+(.+)$", re.S)
_EVIDENCE_SPLIT = re.compile("[" + LIST_SEP + "\n;\uff1b]+")


def progress_value(raw: str) -> tuple[dt.date | None, str]:
    """``2019-11-20 已更换管线`` (as exported: the latest update) or just the text."""
    match = _PROGRESS.match(raw)
    if match:
        date = date_value(match[1])
        if date > timezone.localdate():
            raise CellError(gettext_noop("“%(value)s” is in the future."), value=match[1])
        return date, match[2].strip()
    return None, raw.strip()


def evidence_items(raw: str) -> list[str]:
    return [item.strip() for item in _EVIDENCE_SPLIT.split(raw or "") if item.strip()]


def closed_on_value(raw: str) -> dt.date:
    date = date_value(raw)
    if date > timezone.localdate():
        raise CellError(gettext_noop("“%(value)s” is in the future."), value=raw)
    return date


def measures_value(raw: str) -> list[str]:
    return [_NUMBERING.sub("", line).strip() for line in raw.splitlines() if line.strip()]


def objectives_value(raw: str) -> list[tuple[dt.date, str, dt.date | None]]:
    """``2026-01-10 排查线路`` per line, `` ✓2026-01-05`` after it once done."""
    out = []
    for line in (line.strip() for line in raw.splitlines()):
        if not line:
            continue
        match = _OBJECTIVE.match(line)
        if not match:
            raise CellError(
                gettext_noop("“%(value)s” is not a stage objective like “2019-11-20 title”."),
                value=line,
            )
        due = date_value(match[1])
        done = date_value(match[3]) if match[3] else None
        out.append((due, match[2].strip()[:300], done))
    return out


# The words offices write in these columns (besides the labels in either language).
SOURCE_WORDS = {
    "public": ("群众意见", "征求意见", "群众反映"),
    "research": ("调查研究", "调研"),
    "self": ("自我检视", "自查", "检视问题"),
    "meeting": ("生活会", "民主生活会", "组织生活会"),
    "supervision": ("督促指导", "巡回督导", "督导"),
    "higher": ("上级交办", "上级转办"),
    "conference": ("会议部署",),
}
CATEGORY_WORDS = {
    "reform": ("改革发展稳定重点难点问题", "改革发展稳定"),
    "needs": ("群众急难愁盼问题", "群众急难愁盼"),
    "risks": ("重大风险挑战", "风险挑战"),
    "style": ("形式主义官僚主义", "形式主义、官僚主义", "作风问题"),
    "other": ("其他",),
}
STATUS_WORDS = {
    "not_started": ("未开始", "未启动", "尚未开始"),
    "in_progress": ("正在推进", "推进中", "整改中", "正在整改", "进行中", "未完成", "持续推进"),
    "submitted": ("已完成", "已完成待验收", "完成待验收", "待验收", "已整改", "整改完成"),
    "verified": ("已销号", "已验收", "验收销号", "已办结", "办结"),
    "returned": ("退回", "已退回", "退回整改", "被退回"),
    "long_term": ("长期坚持", "持续整改", "长期推进"),
}
TYPE_WORDS = {
    "immediate": ("立行立改",),
    "limited": ("限期整改",),
    "long_term": ("长期坚持", "长期整改"),
}


def _col(key: str, **kwargs: Any) -> Column:
    spec = next(c for c in PROBLEM_COLUMNS if c.key == key)
    return Column(key, spec.en, aliases=(spec.zh,), **kwargs)


@register
class LedgerImporter(Importer):
    """The rectification ledger: problems with their tasks, in the office's columns."""

    kind = "rectification_ledger"
    label = gettext_lazy("Rectification ledger")
    columns = (
        _col("no"),
        _col(
            "code", max_length=40, help=gettext_lazy("Empty for a new problem; kept on re-import.")
        ),
        _col(
            "source",
            required=True,
            blank=False,
            parser=ChoiceParser(ProblemSource.choices, SOURCE_WORDS),
        ),
        _col(
            "category",
            required=True,
            blank=False,
            parser=ChoiceParser(ProblemCategory.choices, CATEGORY_WORDS),
        ),
        _col("description", required=True, blank=False, max_length=5000),
        _col("direction", max_length=5000, default=""),
        _col("measures", parser=measures_value, default=[]),
        _col("leader", max_length=100),
        _col("unit", required=True, blank=False, max_length=200),
        _col("co_units", max_length=2000),
        _col("person", max_length=100),
        _col("time_limit", parser=date_value),
        _col(
            "task_type",
            parser=ChoiceParser(TaskType.choices, TYPE_WORDS),
            default=TaskType.TIME_LIMITED,
        ),
        _col("objectives", parser=objectives_value, default=[]),
        _col("progress", parser=progress_value, max_length=5000),
        _col("status", parser=ChoiceParser(TaskStatus.choices, STATUS_WORDS)),
        _col("evidence", max_length=2000),
        _col("closed_on", parser=closed_on_value),
        _col("note", max_length=5000, default=""),
    )
    example = {
        "code": "",
        "source": "群众意见",
        "category": "群众急难愁盼问题",
        "description": "老旧小区供暖不达标",
        "unit": "P-A-1",
        "time_limit": "2019-12-31",
        "task_type": "限期整改",
    }

    TASK_KEYS = ("direction", "measures", "leader", "person", "time_limit", "objectives")
    OUTCOME_KEYS = ("progress", "status", "evidence", "closed_on")

    def __init__(self, job: Any = None) -> None:
        super().__init__(job)
        self._resolved: dict[int, dict[str, Any]] = {}

    # --- Lookups -------------------------------------------------------------------------

    def _unit(self, actor: Any, raw: str) -> Unit | str:
        """By code, else by a unique name, among the units the actor manages."""
        qs = units_visible(actor, action=Action.MANAGE)
        unit = qs.filter(code=raw).first()
        if unit is not None:
            return unit
        found = list(qs.filter(name=raw)[:2])
        if len(found) == 1:
            return found[0]
        return "ambiguous" if found else "missing"

    def _member(self, actor: Any, raw: str) -> Member | str:
        """By member number, ``name (number)``, or a unique name in the actor's scope."""
        qs = members_visible(actor)
        match = _NAME_NUMBER.match(raw)
        number = match[2] if match else raw
        member = qs.filter(member_number=number).first()
        if member is not None:
            return member
        found = list(qs.filter(name=raw)[:2])
        if len(found) == 1:
            return found[0]
        return "ambiguous" if found else "missing"

    # --- Checks --------------------------------------------------------------------------

    def validate(self, rows: list[Row], actor: Any) -> list[RowError]:
        _first, errors = duplicate_errors(rows, "code")
        scope = scope_for(actor)
        campaigns = list(campaigns_visible(actor))

        def err(row: Row, column: str, message: str, **params: Any) -> None:
            errors.append(
                RowError(row.number, column, message, value=row.raw.get(column, ""), params=params)
            )

        for row in rows:
            resolved: dict[str, Any] = {}
            if row.has("unit"):
                unit = self._unit(actor, row.values["unit"])
                if isinstance(unit, str):
                    err(
                        row,
                        "unit",
                        gettext_noop(
                            "Several units you manage are called “%(value)s”; use its code."
                        )
                        if unit == "ambiguous"
                        else gettext_noop("No unit you manage has the code or name “%(value)s”."),
                        value=row.values["unit"],
                    )
                else:
                    resolved["unit"] = unit
                    paths = unit.ancestor_paths(include_self=True)
                    campaign = next((c for c in campaigns if c.root_unit.path in paths), None)
                    if campaign is None:
                        err(
                            row,
                            "unit",
                            gettext_noop("No campaign covers unit “%(value)s”."),
                            value=row.values["unit"],
                        )
                    resolved["campaign"] = campaign
            for key in ("leader", "person"):
                raw = row.values.get(key)
                if not raw:
                    resolved[key] = None
                    continue
                member = self._member(actor, raw)
                if isinstance(member, str):
                    err(
                        row,
                        key,
                        gettext_noop("Several members are called “%(value)s”; add the number.")
                        if member == "ambiguous"
                        else gettext_noop("No member “%(value)s” in your scope."),
                        value=raw,
                    )
                elif key == "leader" and not member.is_leading_cadre:
                    err(row, key, gettext_noop("%(value)s is not a leading cadre."), value=raw)
                else:
                    resolved[key] = member
            co_units = []
            for name in (n.strip() for n in _SPLIT.split(row.values.get("co_units") or "")):
                if not name:
                    continue
                visible = units_visible(actor)
                found = visible.filter(code=name).first() or visible.filter(name=name).first()
                if found is None:
                    err(
                        row,
                        "co_units",
                        gettext_noop("No unit has the code or name “%(value)s”."),
                        value=name,
                    )
                    continue
                co_units.append(found)
            resolved["co_units"] = co_units
            code = row.values.get("code")
            if code:
                problem = Problem.objects.filter(code=code).select_related("unit").first()
                if problem is not None and not scope.allows(problem.unit, Action.MANAGE):
                    err(
                        row,
                        "code",
                        gettext_noop("Problem %(value)s is not in a unit you manage."),
                        value=code,
                    )
                resolved["problem"] = problem
            has_task = any(row.values.get(k) for k in self.TASK_KEYS + self.OUTCOME_KEYS)
            resolved["has_task"] = has_task
            if (
                has_task
                and row.has("task_type")
                and row.values["task_type"] != TaskType.LONG_TERM
                and not row.values.get("time_limit")
                and "time_limit" not in {e.column for e in errors if e.row == row.number}
            ):
                err(
                    row,
                    "time_limit",
                    gettext_noop("A time limit is required unless the task is long-term."),
                )
            self._resolved[row.number] = resolved
            if has_task and isinstance(resolved.get("unit"), Unit):
                for column, message, params in self._outcome_errors(actor, row, resolved):
                    err(row, column, message, **params)
        return errors

    # --- What happened: progress, completion, evidence, closing ---------------------------

    def _existing_task(self, resolved: dict[str, Any]) -> RectificationTask | None:
        problem = resolved.get("problem")
        if problem is None:
            return None
        return problem.tasks.select_related("responsible_unit").order_by("pk").first()

    def _plan(self, actor: Any, row: Row, task: RectificationTask) -> tuple[bool, list[str], str]:
        """What the row asks of the task: (add the progress?, the transitions, the target).
        Raises ``_Refused(column, message, params)`` when it cannot be done."""
        v = row.values
        _date, progress_text = v.get("progress") or (None, "")
        new_progress = bool(progress_text) and (
            task.pk is None or not task.updates.filter(text=progress_text).exists()
        )
        target = v.get("status") or ""
        if v.get("closed_on"):
            if target and target != TaskStatus.VERIFIED:
                raise _Refused(
                    "closed_on",
                    gettext_noop("A closing date means “verified and closed”, not “%(value)s”."),
                    {"value": row.raw.get("status", "")},
                )
            target = TaskStatus.VERIFIED
        status = task.status
        if new_progress and status == TaskStatus.VERIFIED and target in ("", status):
            raise _Refused(
                "progress",
                gettext_noop("The task is closed; progress cannot be added to it."),
                {},
            )
        if new_progress and status in (TaskStatus.NOT_STARTED, TaskStatus.RETURNED):
            status = TaskStatus.IN_PROGRESS  # reporting progress starts the work
        if not target or target == status or target == TaskStatus.NOT_STARTED:
            # "Not started" never moves a task back: once work is recorded it is ignored.
            return new_progress, [], status
        path = status_path(status, target)
        if path is None:
            raise _Refused(
                "status",
                gettext_noop("A task that is “%(current)s” cannot become “%(value)s”."),
                {
                    "current": str(TaskStatus(status).label),
                    "value": row.raw.get("status", "") or str(TaskStatus(target).label),
                },
            )
        needs_verifier = any(services.TRANSITIONS[a].by_verifier for a in path)
        if needs_verifier and not services.may_verify(actor, task):
            column = "closed_on" if v.get("closed_on") else "status"
            raise _Refused(
                column,
                gettext_noop(
                    "Only a verifier above the responsible unit may import “%(value)s”: leave "
                    "it out, or have a verifier import the file."
                ),
                {"value": row.raw.get(column, "")},
            )
        if not needs_verifier and task.pk is not None and not services.may_work(actor, task):
            raise _Refused("status", gettext_noop("You may not change this task."), {})
        return new_progress, path, target

    def _outcome_errors(
        self, actor: Any, row: Row, resolved: dict[str, Any]
    ) -> list[tuple[str, str, dict[str, Any]]]:
        task = self._existing_task(resolved)
        if task is None:
            task = RectificationTask(
                responsible_unit=resolved["unit"], status=TaskStatus.NOT_STARTED
            )
        try:
            self._plan(actor, row, task)
        except _Refused as exc:
            return [(exc.column, exc.message, exc.params)]
        return []

    # --- Writes --------------------------------------------------------------------------

    def apply(self, clean_rows: list[Row], actor: Any) -> Counts:
        counts = Counts()
        errors: list[RowError] = []
        for row in clean_rows:
            try:
                self._apply_row(row, actor, counts)
            except _Refused as exc:
                errors.append(
                    RowError(
                        row.number,
                        exc.column,
                        exc.message,
                        value=row.raw.get(exc.column, ""),
                        params=exc.params,
                    )
                )
            except (ValidationError, PermissionDenied) as exc:
                errors.append(
                    RowError(
                        row.number,
                        "",
                        gettext_noop("%(error)s"),
                        params={"error": " ".join(_messages(exc))},
                    )
                )
        if errors:
            raise ImportRefused(errors)
        return counts

    def _apply_row(self, row: Row, actor: Any, counts: Counts) -> None:
        r = self._resolved[row.number]
        v = row.values
        lines = v["description"].split("\n", 1)
        title = lines[0].strip()[:200]
        description = lines[1].strip() if len(lines) > 1 else ""
        problem: Problem | None = r.get("problem")
        changed = False
        if problem is None:
            problem = problem_services.problem_create(
                actor=actor,
                campaign=r["campaign"],
                unit=r["unit"],
                title=title,
                description=description,
                source=v["source"],
                category=v["category"],
                code=v.get("code") or "",
            )
            created = True
        else:
            created = False
            wanted = {
                "title": title,
                "description": description,
                "source": v["source"],
                "category": v["category"],
            }
            diff = {k: x for k, x in wanted.items() if getattr(problem, k) != x}
            if diff:
                problem_services.problem_update(actor=actor, problem=problem, **diff)
                changed = True
        if r["has_task"]:
            changed |= self._task(actor, problem, title, row, r)
            changed |= self._outcomes(actor, problem, row)
        if created:
            counts.created += 1
        elif changed:
            counts.updated += 1
        else:
            counts.unchanged += 1

    def _task(self, actor: Any, problem: Problem, title: str, row: Row, r: dict[str, Any]) -> bool:
        v = row.values
        fields: dict[str, Any] = {
            "direction": v.get("direction") or "",
            "measures": v.get("measures") or [],
            "task_type": v.get("task_type") or TaskType.TIME_LIMITED,
            "time_limit": v.get("time_limit"),
            "responsible_leader": r.get("leader"),
            "responsible_person": r.get("person"),
            "note": v.get("note") or "",
        }
        task = problem.tasks.order_by("pk").first()
        changed = False
        if task is None:
            task = services.task_create(
                actor=actor,
                campaign=problem.campaign,
                responsible_unit=r["unit"],
                title=title,
                problems=[problem],
                co_units=r["co_units"],
                **fields,
            )
            changed = True
        else:
            diff = {k: x for k, x in fields.items() if getattr(task, k) != x}
            if {u.pk for u in task.co_units.all()} != {u.pk for u in r["co_units"]}:
                diff["co_units"] = r["co_units"]
            if diff:
                services.task_update(actor=actor, task=task, **diff)
                changed = True
        existing = {o.title: o for o in task.stage_objectives.all()}
        for due, name, done in v.get("objectives") or []:
            objective = existing.get(name)
            if objective is None:
                objective = services.stage_objective_add(
                    actor=actor, task=task, title=name, due_on=due
                )
                changed = True
            elif objective.due_on != due:
                StageObjective.objects.filter(pk=objective.pk).update(due_on=due)
                changed = True
            if (objective.done_on is None) != (done is None) or (
                done is not None and objective.done_on != done
            ):
                objective.task = task
                services.stage_objective_tick(
                    actor=actor, objective=objective, done=done is not None, done_on=done
                )
                changed = True
        return changed

    def _outcomes(self, actor: Any, problem: Problem, row: Row) -> bool:
        """Apply 整改进展, 完成情况, 销号日期 and 佐证材料 to the problem's task."""
        task = problem.tasks.order_by("pk").first()
        if task is None:
            return False
        v = row.values
        new_progress, path, target = self._plan(actor, row, task)
        changed = False
        if new_progress:
            date, text = v["progress"]
            services.progress_update_add(actor=actor, task=task, text=text, date=date)
            task.refresh_from_db()
            changed = True
        reason = _("Recorded from the ledger import (row %(row)d).") % {"row": row.number}
        for action in path:
            task = services.task_transition(actor=actor, task=task, action=action, reason=reason)
            changed = True
        closed_on = v.get("closed_on")
        if closed_on and target == TaskStatus.VERIFIED and task.closed_on != closed_on:
            task = task_closing_date_set(actor=actor, task=task, closed_on=closed_on)
            changed = True
        items = evidence_items(v.get("evidence") or "")
        if items:
            known = {
                part for e in task.evidence.all() for part in [e.label, *evidence_items(e.label)]
            }
            new = [item for item in items if item not in known]
            if new:
                evidence_note_add(actor=actor, task=task, note=LIST_SEP.join(new))
                changed = True
        return changed


class _Refused(Exception):
    """A row asks for what cannot be done: the column, an untranslated message, params."""

    def __init__(self, column: str, message: str, params: dict[str, Any]) -> None:
        super().__init__(message)
        self.column, self.message, self.params = column, message, params


def _messages(exc: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc) or str(_("You may not change this task."))]


# A path may pass through these only: verifying then reopening, or returning then going on,
# are not ways to reach another status, and an import must not pretend they happened.
_WAYPOINTS = (TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)


def status_path(start: str, target: str) -> list[str] | None:
    """The shortest list of status-machine actions from ``start`` to ``target`` through the
    natural way forward (None when there is none): e.g. in progress → verified is submit,
    accept; submitted → in progress has none (a verifier returns or verifies it)."""
    frontier: list[tuple[str, list[str]]] = [(start, [])]
    seen = {start}
    while frontier:
        following: list[tuple[str, list[str]]] = []
        for status, path in frontier:
            for action, transition in services.TRANSITIONS.items():
                if status not in transition.sources or transition.target in seen:
                    continue
                if transition.target == target:
                    return [*path, action]
                seen.add(transition.target)
                if transition.target in _WAYPOINTS:
                    following.append((transition.target, [*path, action]))
        frontier = following
    return None
