"""Writes to the organization: units, members, roles. Every one keeps the rollups right.

Each service takes the acting user, checks it against the scope, and changes nothing unless
the change is allowed and valid.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core import rollups
from chuxin.core.scoping import Action, forget_scope, scope_for

from .models import (
    CadreLevel,
    Gender,
    Member,
    MemberStatus,
    Role,
    RoleAssignment,
    Unit,
    UnitKind,
)
from .rollups import MEMBERSHIP, member_deltas
from .signals import MemberState, member_changed

MEMBER_FIELDS = ("name", "gender", "cadre_level", "position", "is_leading_cadre")


def _require_manage(actor: Any, unit: Unit | None) -> None:
    scope = scope_for(actor)
    if unit is None:
        if not scope.everything:
            raise PermissionDenied(_("Only a superuser may create a top-level unit."))
        return
    if not scope.allows(unit, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": unit.name})


def _clean_text(value: str, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return value


# --- Units ----------------------------------------------------------------------------------


@transaction.atomic
def unit_create(
    *, actor: Any, parent: Unit | None, code: str, name: str, kind: str, order: int = 0
) -> Unit:
    """Add a unit under ``parent`` (or a new root, for a superuser)."""
    _require_manage(actor, parent)
    code = _clean_text(code, "code", 64)
    name = _clean_text(name, "name", 200)
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("Unknown kind of unit: %(kind)s") % {"kind": kind}})
    if Unit.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A unit with code %(code)s exists.") % {"code": code}})
    fields = {"code": code, "name": name, "kind": kind, "order": order}
    if parent is None:
        unit = Unit.objects.add_root(create_kwargs=fields)
    else:
        parent = Unit.objects.get(pk=parent.pk)  # fresh path and numchild
        unit = Unit.objects.add_child(parent, create_kwargs=fields | {"parent": parent})
    rollups.ensure_row(MEMBERSHIP, unit)
    rollups.apply(MEMBERSHIP, unit, {"units": 1})
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, name: str, kind: str, order: int | None = None) -> Unit:
    """Rename a unit or change its kind or order. Its code is stable and does not change."""
    _require_manage(actor, unit)
    unit.name = _clean_text(name, "name", 200)
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("Unknown kind of unit: %(kind)s") % {"kind": kind}})
    unit.kind = kind
    if order is not None:
        unit.order = order
    unit.save(update_fields=["name", "kind", "order", "updated_at"])
    return unit


@transaction.atomic
def unit_move(*, actor: Any, unit: Unit, new_parent: Unit) -> Unit:
    """Move a unit (with its subtree) under another parent; the rollups move with it."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_parent = Unit.objects.get(pk=new_parent.pk)
    _require_manage(actor, unit)
    _require_manage(actor, new_parent)
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("A unit cannot move under itself or its own subtree.")})
    if unit.parent_id == new_parent.pk:
        return unit
    Unit.objects.move(unit, new_parent, "last-child")
    unit = Unit.objects.get(pk=unit.pk)
    unit.parent = new_parent
    # Saving the parent is what moves the subtree totals of every rollup (the membership one
    # too) from the old ancestors to the new: chuxin.core.receivers.
    unit.save(update_fields=["parent", "updated_at"])
    return unit


@transaction.atomic
def unit_archive(*, actor: Any, unit: Unit) -> Unit:
    """Archive an empty unit: it stays on record but no longer counts or shows in the tree."""
    _require_manage(actor, unit)
    if unit.archived_at:
        return unit
    if Unit.objects.filter(parent=unit, archived_at__isnull=True).exists():
        raise ValidationError(_("Archive or move the sub-units first."))
    if Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE).exists():
        raise ValidationError(_("Transfer the unit's members first."))
    unit.archived_at = timezone.now()
    unit.save(update_fields=["archived_at", "updated_at"])
    rollups.apply(MEMBERSHIP, unit, {"units": -1})
    return unit


# --- Members --------------------------------------------------------------------------------


def member_state(member: Member) -> MemberState:
    return MemberState(
        unit_id=member.unit_id,
        active=member.is_active,
        cadre_level=member.cadre_level,
        is_leading_cadre=member.is_leading_cadre,
    )


def _validate_member_fields(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean = dict(fields)
    if "name" in clean:
        clean["name"] = (clean["name"] or "").strip()
        if not clean["name"]:
            errors["name"] = _("This field is required.")
    if "gender" in clean and clean["gender"] not in Gender.values:
        errors["gender"] = _("Unknown gender: %(v)s") % {"v": clean["gender"]}
    if "cadre_level" in clean and clean["cadre_level"] not in CadreLevel.values:
        errors["cadre_level"] = _("Unknown cadre level: %(v)s") % {"v": clean["cadre_level"]}
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def member_create(*, actor: Any, unit: Unit, member_number: str, **fields: Any) -> Member:
    """Add an active member to a unit."""
    _require_manage(actor, unit)
    member_number = _clean_text(member_number, "member_number", 40)
    if Member.objects.filter(member_number=member_number).exists():
        raise ValidationError(
            {"member_number": _("Member number %(n)s is taken.") % {"n": member_number}}
        )
    clean = _validate_member_fields({k: v for k, v in fields.items() if k in MEMBER_FIELDS})
    member = Member.objects.create(unit=unit, member_number=member_number, **clean)
    rollups.apply(MEMBERSHIP, unit, member_deltas(active=True, leading=member.is_leading_cadre))
    member_changed.send(Member, member=member, before=None, after=member_state(member))
    return member


@transaction.atomic
def member_update(
    *,
    actor: Any,
    member: Member,
    unit: Unit | None = None,
    status: str | None = None,
    **fields: Any,
) -> Member:
    """Change a member's details, move them to another unit, or mark them transferred out."""
    member = Member.objects.select_for_update().select_related("unit").get(pk=member.pk)
    old_unit = member.unit
    _require_manage(actor, old_unit)
    if unit is not None and unit.pk != old_unit.pk:
        _require_manage(actor, unit)
    if status is not None and status not in MemberStatus.values:
        raise ValidationError({"status": _("Unknown status: %(v)s") % {"v": status}})
    clean = _validate_member_fields({k: v for k, v in fields.items() if k in MEMBER_FIELDS})
    before_state = member_state(member)
    before = member_deltas(active=member.is_active, leading=member.is_leading_cadre, sign=-1)
    for key, value in clean.items():
        setattr(member, key, value)
    if unit is not None:
        member.unit = unit
    if status is not None:
        member.status = status
    member.save()
    after = member_deltas(active=member.is_active, leading=member.is_leading_cadre)
    rollups.apply(MEMBERSHIP, old_unit, before)
    rollups.apply(MEMBERSHIP, member.unit, after)
    member_changed.send(Member, member=member, before=before_state, after=member_state(member))
    return member


# --- Roles ----------------------------------------------------------------------------------


@transaction.atomic
def role_assign(
    *, actor: Any, user: Any, role: str, unit: Unit, include_subtree: bool | None = None
) -> RoleAssignment:
    """Grant a role on a unit. Only those who manage the unit may grant roles on it."""
    _require_manage(actor, unit)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role: %(v)s") % {"v": role}})
    if role == Role.OFFICE and not scope_for(actor).everything:
        office_units = [g for g in scope_for(actor).grants if g.role == Role.OFFICE]
        if not any(unit.path.startswith(g.path) for g in office_units):
            raise PermissionDenied(_("Only the leading group office may grant office roles."))
    if include_subtree is None:
        include_subtree = role in (Role.OFFICE, Role.UNIT_ADMIN)
    assignment, _created = RoleAssignment.objects.update_or_create(
        user=user,
        role=role,
        unit=unit,
        defaults={"include_subtree": include_subtree, "granted_by": actor},
    )
    forget_scope(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    """Take a role away (the audit trail keeps the record of it)."""
    _require_manage(actor, assignment.unit)
    user = assignment.user
    assignment.delete()
    forget_scope(user)
