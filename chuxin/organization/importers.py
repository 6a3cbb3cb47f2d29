"""Importers of the unit tree and of the member roster, from CSV or .xlsx.

Both upsert by a stable key (a unit's ``code``, a member's ``member_number``): a row for a
new key creates, a row that differs updates, a row that matches changes nothing, so the same
file imported twice changes nothing the second time. Units are written set-based: new units
get their materialized path computed here and go in with one ``bulk_create`` per level of
new units, never node by node; only moves of existing units go through
:func:`~chuxin.organization.services.unit_move`. Every maintained rollup is rewritten from
the raw rows afterwards, and the counts name the units moved (:class:`UnitCounts`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chuxin.core import rollups
from chuxin.core.imports import (
    ChoiceParser,
    Column,
    Counts,
    Importer,
    ImportRefused,
    Row,
    RowError,
    boolean_value,
    changed_fields,
    duplicate_errors,
    in_chunks,
    integer_value,
    register,
)
from chuxin.core.scoping import Action, Scope, scope_for

from . import services
from .models import CadreLevel, Gender, Member, Unit, UnitKind
from .signals import members_bulk_changed

# Words a Chinese sheet uses for each stored value, beyond the translated labels.
UNIT_KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "province": ("省", "省级", "省(自治区、直辖市)"),
    "city": ("市", "地市", "市州", "市(州)", "地级市", "市(地、州、盟)"),
    "county": ("县", "区", "县区", "县市区", "县(市、区)", "县(市、区、旗)", "县级"),
    "township": ("乡镇", "街道", "乡镇街道", "乡镇(街道)", "乡", "镇"),
    "village": ("村", "社区", "村社区", "村(社区)"),
    "department": ("部门", "机关", "机关部门", "单位部门"),
    "enterprise": ("企业", "国有企业", "国企"),
    "school": ("学校", "高校"),
    "hospital": ("医院",),
    "party_committee": ("党委", "党组"),
    "general_branch": ("党总支", "总支"),
    "branch": ("支部", "党支部"),
    "other": ("其他",),
}
GENDER_ALIASES: dict[str, tuple[str, ...]] = {"male": ("男", "m"), "female": ("女", "f")}
CADRE_LEVEL_ALIASES: dict[str, tuple[str, ...]] = {
    "provincial": ("省部级", "省级干部"),
    "bureau": ("厅局级", "地厅级"),
    "county": ("县处级",),
    "section": ("乡科级",),
    "ordinary": ("普通党员", "普通", "无", "党员"),
}

# A materialized path is at most 255 characters of 4-character steps.
MAX_DEPTH = 255 // Unit.steplen
MAX_POSITION = len(Unit.alphabet) ** Unit.steplen - 1


def _probe(anchor: Unit, levels: int) -> Unit:
    """A stand-in for a unit ``levels`` below ``anchor`` (to ask the scope about it)."""
    if levels == 0:
        return anchor
    return Unit(path=anchor.path + Unit.alphabet[0] * Unit.steplen * levels)


# --- Units ----------------------------------------------------------------------------------


@dataclass
class UnitCounts(Counts):
    """What a units import did, with the existing units it moved (each with its subtree), so
    that receivers of ``import_applied`` can recompute what depends on where units sit."""

    moved_unit_ids: list[int] = field(default_factory=list)


@dataclass
class _UnitPlan:
    errors: list[RowError] = field(default_factory=list)
    creates: list[Row] = field(default_factory=list)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    moves: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0
    known: dict[str, Unit] = field(default_factory=dict)


class _Tree:
    """The tree as it will be after the import: the file's parents over the database's."""

    def __init__(self, rows: dict[str, Row], known: dict[str, Unit]) -> None:
        self.rows = rows
        self.known = known
        self.by_path = {u.path: u for u in known.values()}
        self.depth: dict[str, int | None] = {}
        self.cycles: dict[str, list[str]] = {}

    def current_parent(self, unit: Unit) -> str:
        if unit.depth == 1:
            return ""
        parent = self.by_path.get(unit.path[: -Unit.steplen])
        return parent.code if parent else ""

    def parent(self, code: str) -> str | None:
        """The final parent's code, "" for a root, ``None`` when nobody knows the unit."""
        row = self.rows.get(code)
        if row is not None and row.has("parent_code"):
            return str(row.values["parent_code"])
        unit = self.known.get(code)
        if unit is None:
            return None
        return self.current_parent(unit)

    def resolve(self, start: str) -> int | None:
        """The final depth of a unit (``None`` under a cycle or an unknown parent)."""
        chain: list[str] = []
        index: dict[str, int] = {}
        current = start
        base: int | None
        while True:
            if current in self.depth:
                base = self.depth[current]
                break
            if current in index:
                cycle = chain[index[current] :]
                for code in cycle:
                    self.depth[code] = None
                    self.cycles[code] = cycle
                chain = chain[: index[current]]
                base = None
                break
            parent = self.parent(current)
            if parent is None or parent == "":
                base = None if parent is None else 1
                self.depth[current] = base
                break
            index[current] = len(chain)
            chain.append(current)
            current = parent
        for code in reversed(chain):
            base = None if base is None else base + 1
            self.depth[code] = base
        return self.depth[start]

    def anchor(self, code: str) -> tuple[Unit | None, int]:
        """The nearest existing unit at or above ``code`` and how many new units lie between."""
        levels = 0
        current: str | None = code
        seen: set[str] = set()
        while current and current not in self.known and current not in seen:
            seen.add(current)
            current = self.parent(current)
            levels += 1
        if not current or current in seen:
            return None, levels
        return self.known[current], levels


@register
class UnitImporter(Importer):
    """Adds, renames and moves units of the tree from a sheet of codes and parent codes.

    A row whose code is new adds a unit under its parent (a unit of the file or of the
    database, which the user must manage); a row whose code exists updates the unit's name,
    kind and order and, if its parent code differs, moves it with its subtree.
    """

    kind = "units"
    label = _("Units")
    columns = (
        Column(
            "code",
            _("Code"),
            aliases=("单位代码", "代码", "组织代码"),
            required=True,
            blank=False,
            max_length=64,
            help=_("The unit's unique code; a code already in the system updates that unit."),
        ),
        Column(
            "name",
            _("Name"),
            aliases=("单位名称", "名称", "组织名称"),
            required=True,
            blank=False,
            max_length=200,
            help=_("The unit's full name."),
        ),
        Column(
            "parent_code",
            _("Parent code"),
            aliases=("上级单位代码", "上级代码", "上级组织代码"),
            required=True,
            max_length=64,
            default="",
            help=_(
                "The code of the unit above, in this file or already in the system; empty only "
                "for a top-level unit. A different parent code moves an existing unit."
            ),
        ),
        Column(
            "kind",
            _("Kind"),
            aliases=("类型", "单位类型", "组织类型"),
            required=True,
            blank=False,
            parser=ChoiceParser(UnitKind.choices, UNIT_KIND_ALIASES),
            help=_(
                "province, city, county, township, village, department, enterprise, school, "
                "hospital, party_committee, general_branch, branch or other; or the English or "
                "Chinese name, such as 县(市、区) or 党支部."
            ),
        ),
        Column(
            "order",
            _("Order"),
            aliases=("排序", "顺序", "序号"),
            parser=integer_value,
            help=_("Optional: a whole number that orders the units under one parent."),
        ),
    )
    example = {
        "code": "210102-001",
        "name": "示例社区党支部",
        "parent_code": "210102",
        "kind": "branch",
        "order": "1",
    }

    def validate(self, rows: list[Row], actor: Any) -> list[RowError]:
        return self._plan(rows, actor).errors

    def _load(self, rows: list[Row]) -> dict[str, Unit]:
        codes = {str(r.values["code"]) for r in rows if r.values.get("code")}
        codes |= {str(r.values["parent_code"]) for r in rows if r.values.get("parent_code")}
        known = {u.code: u for u in in_chunks(Unit.objects.order_by(), "code", codes)}
        paths = {p for u in known.values() for p in u.ancestor_paths()}
        paths -= {u.path for u in known.values()}
        for unit in in_chunks(Unit.objects.order_by(), "path", paths):
            known[unit.code] = unit
        return known

    def _plan(self, rows: list[Row], actor: Any) -> _UnitPlan:
        scope = scope_for(actor)
        by_code, errors = duplicate_errors(rows, "code")
        known = self._load(rows)
        tree = _Tree(by_code, known)
        plan = _UnitPlan(errors=errors, known=known)
        for row in rows:
            code = row.values.get("code")
            if not code or by_code.get(code) is not row:
                continue
            if not self._check_row(row, tree, scope, plan):
                plan.unchanged += 1
        # Moves go parents first, so that no unit is ever moved under its own subtree.
        plan.moves.sort(key=lambda move: tree.depth.get(move[0]) or 0)
        return plan

    def _check_row(self, row: Row, tree: _Tree, scope: Scope, plan: _UnitPlan) -> bool:
        """Check one row and add what it does to the plan; ``False`` if it changes nothing."""
        code = str(row.values["code"])
        unit = tree.known.get(code)

        def error(column: str, message: str, **params: Any) -> bool:
            value = row.raw.get(column, "")
            plan.errors.append(RowError(row.number, column, message, value, params))
            return True

        if unit is not None and unit.archived_at is not None:
            return error("code", gettext_noop("Unit %(code)s is archived."), code=code)
        if unit is not None and not scope.allows(unit, Action.MANAGE):
            return error(
                "code", gettext_noop("Unit %(code)s is outside the units you manage."), code=code
            )
        if not row.has("parent_code"):
            return True
        parent_code = str(row.values["parent_code"])
        if parent_code == code:
            return error("parent_code", gettext_noop("A unit cannot be its own parent."))
        parent = tree.known.get(parent_code)
        if parent_code and parent_code not in tree.rows and parent is None:
            return error(
                "parent_code",
                gettext_noop("Unknown parent code %(code)s: not in this file nor in the system."),
                code=parent_code,
            )
        if parent is not None and parent.archived_at is not None:
            return error(
                "parent_code", gettext_noop("Parent unit %(code)s is archived."), code=parent_code
            )
        depth = tree.resolve(code)
        if code in tree.cycles:
            cycle = tree.cycles[code]
            return error(
                "parent_code",
                gettext_noop("The parent codes go round in a circle: %(cycle)s."),
                cycle=" → ".join([*cycle, cycle[0]]),
            )
        if depth is not None and depth > MAX_DEPTH:
            return error(
                "parent_code",
                gettext_noop("The tree would be deeper than %(max)d levels here."),
                max=MAX_DEPTH,
            )
        moving = unit is not None and parent_code != tree.current_parent(unit)
        if unit is None or moving:
            if not parent_code:
                if unit is None and not scope.everything:
                    return error(
                        "parent_code",
                        gettext_noop("Only a superuser may add a top-level unit."),
                    )
                if unit is not None:
                    return error(
                        "parent_code",
                        gettext_noop(
                            "Unit %(code)s has a parent; an import cannot make it top-level."
                        ),
                        code=code,
                    )
            else:
                anchor, levels = tree.anchor(parent_code)
                if anchor is not None and not scope.allows(_probe(anchor, levels), Action.MANAGE):
                    return error(
                        "parent_code",
                        gettext_noop("Unit %(code)s is outside the units you manage."),
                        code=parent_code,
                    )
        if unit is None:
            plan.creates.append(row)
            return True
        changes = {"name": row.values.get("name"), "kind": row.values.get("kind")}
        if row.values.get("order") is not None:
            changes["order"] = row.values["order"]
        changes = {k: v for k, v in changes.items() if v is not None}
        changed = changed_fields(unit, changes)
        if changed:
            plan.updates[code] = {k: changes[k] for k in changed}
        if moving:
            plan.moves.append((code, parent_code))
        return bool(changed) or moving

    def apply(self, clean_rows: list[Row], actor: Any) -> Counts:
        plan = self._plan(clean_rows, actor)
        if plan.errors:
            raise ImportRefused(plan.errors)
        created = self._create(plan, actor)
        for code, parent_code in plan.moves:
            new_parent = created.get(parent_code) or plan.known[parent_code]
            services.unit_move(actor=actor, unit=plan.known[code], new_parent=new_parent)
        changed = {plan.known[code].pk for code in plan.updates}
        changed |= {plan.known[code].pk for code, _parent in plan.moves}
        if changed:
            fresh = Unit.objects.in_bulk(list(changed))
            now = timezone.now()
            for code, fields in plan.updates.items():
                for name, value in fields.items():
                    setattr(fresh[plan.known[code].pk], name, value)
            for unit in fresh.values():
                unit.updated_at = now
            bulk_update_with_history(
                list(fresh.values()),
                Unit,
                ["name", "kind", "order", "updated_at"],
                default_user=actor,
                default_change_reason=self.change_reason,
            )
        if created or changed:
            for rollup in rollups.registered():
                rollups.refresh(rollup)
        return UnitCounts(
            created=len(created),
            updated=len(changed),
            unchanged=plan.unchanged,
            moved_unit_ids=[plan.known[code].pk for code, _parent in plan.moves],
        )

    def _create(self, plan: _UnitPlan, actor: Any) -> dict[str, Unit]:
        """Insert the new units level by level with paths computed here; fix ``numchild``."""
        if not plan.creates:
            return {}
        new_codes = {str(r.values["code"]) for r in plan.creates}
        parent_of = {str(r.values["code"]): str(r.values["parent_code"]) for r in plan.creates}
        level: dict[str, int] = {}

        def level_of(code: str) -> int:
            if code not in level:
                parent = parent_of[code]
                level[code] = level_of(parent) + 1 if parent in new_codes else 0
            return level[code]

        by_level: dict[int, list[Row]] = defaultdict(list)
        for row in plan.creates:
            by_level[level_of(str(row.values["code"]))].append(row)
        new_children = Counter(parent_of.values())
        existing_parents = {
            plan.known[p].pk: plan.known[p] for p in new_children if p and p not in new_codes
        }
        next_position: dict[int | None, int] = {}
        last_child_paths = (
            Unit.objects.filter(parent_id__in=list(existing_parents))
            .order_by()
            .values("parent_id")
            .annotate(last=Max("path"))
        )
        for item in last_child_paths:
            next_position[item["parent_id"]] = Unit._str2int(item["last"][-Unit.steplen :]) + 1
        if "" in new_children:
            last_root = Unit.objects.filter(depth=1).aggregate(last=Max("path"))["last"]
            next_position[None] = Unit._str2int(last_root) + 1 if last_root else 1

        created: dict[str, Unit] = {}
        now = timezone.now()
        for depth_level in sorted(by_level):
            batch: list[Unit] = []
            for row in by_level[depth_level]:
                code = str(row.values["code"])
                parent_code = parent_of[code]
                parent = (
                    (created.get(parent_code) or plan.known[parent_code]) if parent_code else None
                )
                key = parent.pk if parent is not None else None
                position = next_position.get(key, 1)
                next_position[key] = position + 1
                if position > MAX_POSITION:
                    raise ImportRefused(
                        [
                            RowError(
                                row.number,
                                "parent_code",
                                gettext_noop("Unit %(code)s cannot take more sub-units."),
                                row.raw.get("parent_code", ""),
                                {"code": parent_code},
                            )
                        ]
                    )
                depth = parent.depth + 1 if parent is not None else 1
                order = row.values.get("order")
                batch.append(
                    Unit(
                        code=code,
                        name=row.values["name"],
                        kind=row.values["kind"],
                        order=order if order is not None else 0,
                        parent=parent,
                        path=Unit._get_path(parent.path if parent else None, depth, position),
                        depth=depth,
                        numchild=new_children.get(code, 0),
                        created_at=now,
                        updated_at=now,
                    )
                )
            for unit in bulk_create_with_history(
                batch, Unit, default_user=actor, default_change_reason=self.change_reason
            ):
                created[unit.code] = unit
        # The parents were read in this transaction, so their numchild is current.
        for parent in existing_parents.values():
            parent.numchild += new_children[parent.code]
        Unit.objects.bulk_update(list(existing_parents.values()), ["numchild"])
        return created


# --- Members --------------------------------------------------------------------------------

MEMBER_FIELDS = ("name", "gender", "cadre_level", "position", "is_leading_cadre")


@dataclass
class _MemberPlan:
    errors: list[RowError] = field(default_factory=list)
    creates: list[Member] = field(default_factory=list)
    updates: list[Member] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    unchanged: int = 0


@register
class MemberImporter(Importer):
    """Adds members to units and updates them, by member number, from a roster sheet.

    A new member number adds an active member; a known one updates the member's details and,
    when the unit code differs, transfers them to that unit. The user must manage both the
    member's unit and the unit named in the row.
    """

    kind = "members"
    label = _("Members")
    columns = (
        Column(
            "member_number",
            _("Member number"),
            aliases=("党员编号", "编号", "人员编号"),
            required=True,
            blank=False,
            max_length=40,
            help=_("The member's unique number; a number already in the system updates them."),
        ),
        Column(
            "name",
            _("Name"),
            aliases=("姓名",),
            required=True,
            blank=False,
            max_length=100,
            help=_("The member's name."),
        ),
        Column(
            "unit_code",
            _("Unit code"),
            aliases=("所在单位代码", "单位代码", "所在支部代码"),
            required=True,
            blank=False,
            max_length=64,
            help=_("The code of the member's unit; a different code transfers a member."),
        ),
        Column(
            "gender",
            _("Gender"),
            aliases=("性别",),
            required=True,
            blank=False,
            parser=ChoiceParser(Gender.choices, GENDER_ALIASES),
            help=_("male or female (男/女, M/F)."),
        ),
        Column(
            "cadre_level",
            _("Cadre level"),
            aliases=("干部层级", "层级", "干部级别"),
            parser=ChoiceParser(CadreLevel.choices, CADRE_LEVEL_ALIASES),
            default=CadreLevel.ORDINARY.value,
            help=_(
                "provincial, bureau, county, section or ordinary (省部级, 厅局级, 县处级, "
                "乡科级, 普通党员); empty is ordinary."
            ),
        ),
        Column(
            "position",
            _("Position"),
            aliases=("职务",),
            max_length=200,
            default="",
            help=_("Optional: the member's position."),
        ),
        Column(
            "is_leading_cadre",
            _("Leading cadre"),
            aliases=("是否领导干部", "领导干部"),
            parser=boolean_value,
            default=False,
            help=_("是/否, yes/no, true/false or 1/0; empty is no."),
        ),
    )
    example = {
        "member_number": "A2024001",
        "name": "张三",
        "unit_code": "210102-001",
        "gender": "male",
        "cadre_level": "ordinary",
        "position": "",
        "is_leading_cadre": "no",
    }

    def validate(self, rows: list[Row], actor: Any) -> list[RowError]:
        return self._plan(rows, actor).errors

    def _plan(self, rows: list[Row], actor: Any) -> _MemberPlan:
        scope = scope_for(actor)
        by_number, errors = duplicate_errors(rows, "member_number")
        unit_codes = {str(r.values["unit_code"]) for r in rows if r.values.get("unit_code")}
        units = {u.code: u for u in in_chunks(Unit.objects.order_by(), "code", unit_codes)}
        existing = {
            m.member_number: m
            for m in in_chunks(
                Member.objects.select_related("unit").order_by(), "member_number", by_number
            )
        }
        plan = _MemberPlan(errors=errors)
        for row in rows:
            number = row.values.get("member_number")
            if number and by_number.get(number) is row:
                self._check_row(row, existing.get(number), units, scope, plan)
        return plan

    def _check_row(
        self,
        row: Row,
        member: Member | None,
        units: dict[str, Unit],
        scope: Scope,
        plan: _MemberPlan,
    ) -> None:
        def error(column: str, message: str, **params: Any) -> None:
            plan.errors.append(
                RowError(row.number, column, message, row.raw.get(column, ""), params)
            )

        number = str(row.values["member_number"])
        if member is not None and not scope.allows(member.unit, Action.MANAGE):
            error(
                "member_number",
                gettext_noop("Member %(number)s belongs to a unit outside the units you manage."),
                number=number,
            )
            return
        code = row.values.get("unit_code")
        if not code:
            return
        unit = units.get(code)
        if unit is None:
            error("unit_code", gettext_noop("Unknown unit code %(code)s."), code=code)
            return
        if unit.archived_at is not None:
            error("unit_code", gettext_noop("Unit %(code)s is archived."), code=code)
            return
        if not scope.allows(unit, Action.MANAGE):
            error(
                "unit_code",
                gettext_noop("Unit %(code)s is outside the units you manage."),
                code=code,
            )
            return
        values = {name: row.values[name] for name in MEMBER_FIELDS if name in row.values}
        if member is None:
            plan.creates.append(Member(unit=unit, member_number=number, **values))
            return
        changed = changed_fields(member, values)
        for name in changed:
            setattr(member, name, values[name])
        if member.unit_id != unit.pk:
            member.unit = unit
            changed.append("unit")
        if changed:
            plan.updates.append(member)
            plan.fields.update(changed)
        else:
            plan.unchanged += 1

    def apply(self, clean_rows: list[Row], actor: Any) -> Counts:
        plan = self._plan(clean_rows, actor)
        if plan.errors:
            raise ImportRefused(plan.errors)
        now = timezone.now()
        for member in plan.creates:
            member.created_at = member.updated_at = now
        created: list[Member] = []
        if plan.creates:
            created = bulk_create_with_history(
                plan.creates, Member, default_user=actor, default_change_reason=self.change_reason
            )
        if plan.updates:
            for member in plan.updates:
                member.updated_at = now
            bulk_update_with_history(
                plan.updates,
                Member,
                [*sorted(plan.fields), "updated_at"],
                default_user=actor,
                default_change_reason=self.change_reason,
            )
        if plan.creates or plan.updates:
            for rollup in rollups.registered():
                rollups.refresh(rollup)
            members_bulk_changed.send(Member, member_ids=[m.pk for m in [*created, *plan.updates]])
        return Counts(
            created=len(plan.creates), updated=len(plan.updates), unchanged=plan.unchanged
        )
