"""Writes of study & education. Every one checks the actor's scope, validates, changes nothing
on bad input, and keeps the study counters right (through ``study.progress``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chuxin.core.scoping import Action, scope_for
from chuxin.organization.models import CadreLevel, Campaign, Member, MemberStatus, Unit

from . import progress
from .models import (
    MemberStudyProgress,
    RecordSource,
    SessionAttendance,
    StudyItem,
    StudyKind,
    StudyRecord,
    StudySession,
)

MAX_HOURS = Decimal("999.9")


def today() -> dt.date:
    return timezone.localdate()


def _require_manage(actor: Any, unit: Unit) -> None:
    scope = scope_for(actor)
    if not scope.allows(unit, Action.MANAGE):
        raise PermissionDenied(_("You may not change %(unit)s.") % {"unit": unit.name})


def _text(value: Any, field: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return value


def clean_hours(value: Any, field: str = "hours") -> Decimal | None:
    """Hours as a decimal with one place, between 0 and 999.9; ``None`` for blank."""
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            {field: _("“%(v)s” is not a number of hours.") % {"v": value}}
        ) from exc
    if hours <= 0 or hours > MAX_HOURS:
        raise ValidationError({field: _("Hours must be more than 0 and at most 999.9.")})
    return hours


def _study_date(value: Any, campaign: Campaign, field: str = "date") -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({field: _("Enter a valid date.")})
    if value > today():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if value < campaign.start_date:
        raise ValidationError(
            {field: _("The campaign starts on %(d)s.") % {"d": campaign.start_date.isoformat()}}
        )
    return value


# --- Study items -----------------------------------------------------------------------------

ITEM_RULE_FIELDS = ("required_levels", "required_times", "required_hours", "batch")


def _clean_item_fields(campaign: Campaign, fields: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    try:
        clean["title"] = _text(fields.get("title"), "title", 200)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    kind = fields.get("kind")
    if kind not in StudyKind.values:
        errors["kind"] = _("Unknown kind of study: %(v)s") % {"v": kind}
    clean["kind"] = kind
    levels = list(dict.fromkeys(fields.get("required_levels") or []))
    unknown = [lv for lv in levels if lv not in CadreLevel.values]
    if not levels:
        errors["required_levels"] = _("Choose at least one cadre level.")
    elif unknown:
        errors["required_levels"] = _("Unknown cadre level: %(v)s") % {"v": ", ".join(unknown)}
    clean["required_levels"] = [lv for lv in CadreLevel.values if lv in levels]
    times = fields.get("required_times", 1)
    if not isinstance(times, int) or isinstance(times, bool) or not 1 <= times <= 100:
        errors["required_times"] = _("Times required must be a whole number from 1 to 100.")
    clean["required_times"] = times
    try:
        clean["required_hours"] = clean_hours(fields.get("required_hours"), "required_hours")
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    applies_from = fields.get("applies_from") or today()
    if not isinstance(applies_from, dt.date):
        errors["applies_from"] = _("Enter a valid date.")
    elif applies_from > campaign.end_date:
        errors["applies_from"] = _("The campaign ends on %(d)s.") % {
            "d": campaign.end_date.isoformat()
        }
    clean["applies_from"] = applies_from
    due = fields.get("due_date")
    if due is not None and isinstance(applies_from, dt.date) and due < applies_from:
        errors["due_date"] = _("The due date cannot be before the item applies.")
    clean["due_date"] = due
    batch = fields.get("batch")
    if batch is not None and batch.campaign_id != campaign.pk:
        errors["batch"] = _("This batch belongs to another campaign.")
    clean["batch"] = batch
    url = (fields.get("material_url") or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["material_url"] = _("Enter a web address starting with http:// or https://.")
    clean["material_url"] = url
    clean["description"] = (fields.get("description") or "").strip()
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def study_item_create(
    *, actor: Any, campaign: Campaign, material: Any = None, **fields: Any
) -> StudyItem:
    """Define a study item; if it applies from today or earlier it counts at once, for every
    member of its levels (set-based), otherwise from its first day (the daily task)."""
    _require_manage(actor, campaign.root_unit)
    clean = _clean_item_fields(campaign, fields)
    item = StudyItem(campaign=campaign, created_by=actor, **clean)
    if material:
        item.material = material
    item.save()
    if item.applies_from <= today():
        progress.put_item_in_force(item)
    return item


@transaction.atomic
def study_item_update(
    *, actor: Any, item: StudyItem, material: Any = None, **fields: Any
) -> StudyItem:
    """Change an item. If what makes it required or done changes, every member it touches
    is recomputed; an item once in force stays in force."""
    item = (
        StudyItem.objects.select_for_update().select_related("campaign__root_unit").get(pk=item.pk)
    )
    _require_manage(actor, item.campaign.root_unit)
    if item.archived_at:
        raise ValidationError(_("This item is archived and cannot be changed."))
    current = {
        name: getattr(item, name)
        for name in (
            "title",
            "kind",
            "required_levels",
            "required_times",
            "required_hours",
            "due_date",
            "material_url",
            "description",
            "applies_from",
            "batch",
        )
    }
    clean = _clean_item_fields(item.campaign, current | fields)
    rules_changed = any(clean[f] != current[f] for f in ITEM_RULE_FIELDS)
    for name, value in clean.items():
        setattr(item, name, value)
    if material:
        item.material = material
    item.save()
    if item.in_force and rules_changed:
        progress.item_changed(item.pk)
    elif not item.in_force and item.applies_from <= today():
        progress.put_item_in_force(item)
    return item


@transaction.atomic
def study_item_archive(*, actor: Any, item: StudyItem) -> StudyItem:
    """Archive an item: it no longer counts; its records stay on record."""
    item = StudyItem.objects.select_related("campaign__root_unit").get(pk=item.pk)
    _require_manage(actor, item.campaign.root_unit)
    if item.archived_at:
        return item
    item.archived_at = timezone.now()
    item.save(update_fields=["archived_at", "updated_at"])
    if item.in_force:
        progress.item_changed(item.pk)
    return item


def study_items_activate_due(*, on: dt.date | None = None) -> list[StudyItem]:
    """Put in force the items whose first day has come (the daily task calls this)."""
    day = on or today()
    items = list(
        StudyItem.objects.filter(in_force=False, archived_at__isnull=True, applies_from__lte=day)
    )
    for item in items:
        progress.put_item_in_force(item)
    return items


# --- Reach of an item ------------------------------------------------------------------------


def _require_counted_item(item: StudyItem, unit: Unit, field: str = "item") -> progress.ItemRule:
    if item.archived_at is not None:
        raise ValidationError({field: _("“%(t)s” is archived.") % {"t": item.title}})
    if not item.in_force:
        raise ValidationError(
            {
                field: _("“%(t)s” applies from %(d)s.")
                % {"t": item.title, "d": item.applies_from.isoformat()}
            }
        )
    rule = progress.rule_for(item)
    if not any(unit.path.startswith(p) for p in rule.prefixes):
        raise ValidationError(
            {field: _("“%(t)s” does not apply to %(u)s.") % {"t": item.title, "u": unit.name}}
        )
    return rule


# --- Collective sessions ---------------------------------------------------------------------


@transaction.atomic
def study_session_record(
    *,
    actor: Any,
    unit: Unit,
    item: StudyItem,
    date: dt.date,
    host: str,
    place: str = "",
    topic: str = "",
    hours: Any = None,
    present: Iterable[int] = (),
    absent: Mapping[int, str] | None = None,
) -> StudySession:
    """Record a collective session: present members get a study record, absent members (each
    with a reason) owe make-up study for the item. Members must be on the unit's roster."""
    _require_manage(actor, unit)
    absent = dict(absent or {})
    present_ids = set(present)
    errors: dict[str, str] = {}
    try:
        _require_counted_item(item, unit)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        date = _study_date(date, item.campaign)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        host = _text(host, "host", 100)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        place = _text(place, "place", 200, required=False)
        topic = _text(topic, "topic", 300, required=False)
        hours = clean_hours(hours)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    roster = set(
        Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE).values_list("pk", flat=True)
    )
    both = present_ids & set(absent)
    strangers = (present_ids | set(absent)) - roster
    if not present_ids and not absent:
        errors["present"] = _("Mark who was present or absent.")
    elif both:
        errors["present"] = _("%(n)d member(s) are marked both present and absent.") % {
            "n": len(both)
        }
    elif strangers:
        errors["present"] = _("%(n)d member(s) are not on the roster of %(u)s.") % {
            "n": len(strangers),
            "u": unit.name,
        }
    long_reasons = [mid for mid, reason in absent.items() if len((reason or "").strip()) > 200]
    if long_reasons:
        errors["absent"] = _("A reason for absence may have at most 200 characters.")
    if errors:
        raise ValidationError(errors)
    session = StudySession.objects.create(
        unit=unit,
        item=item,
        date=date,
        host=host,
        place=place,
        topic=topic,
        hours=hours,
        recorded_by=actor,
    )
    SessionAttendance.objects.bulk_create(
        [SessionAttendance(session=session, member_id=mid, present=True) for mid in present_ids]
        + [
            SessionAttendance(
                session=session,
                member_id=mid,
                present=False,
                absence_reason=(reason or "").strip(),
            )
            for mid, reason in absent.items()
        ]
    )
    StudyRecord.objects.bulk_create(
        [
            StudyRecord(
                member_id=mid,
                item=item,
                date=date,
                hours=hours,
                source=RecordSource.SESSION,
                session=session,
                created_by=actor,
            )
            for mid in present_ids
        ],
        ignore_conflicts=True,
    )
    progress.session_counted(unit, date, 1)
    progress.recompute_members(present_ids | set(absent))
    return session


@transaction.atomic
def study_session_archive(*, actor: Any, session: StudySession) -> StudySession:
    """Archive a session recorded in error: its records are archived and its absences no
    longer owe make-up."""
    session = StudySession.objects.select_related("unit").get(pk=session.pk)
    _require_manage(actor, session.unit)
    if session.archived_at:
        return session
    now = timezone.now()
    session.archived_at = now
    session.save(update_fields=["archived_at", "updated_at"])
    StudyRecord.objects.filter(session=session, archived_at__isnull=True).update(archived_at=now)
    progress.session_counted(session.unit, session.date, -1)
    progress.recompute_members(session.attendance.values_list("member_id", flat=True))
    return session


# --- Individual records ----------------------------------------------------------------------


def _may_record_for(actor: Any, member: Member) -> None:
    """A member records their own study; an administrator of their unit may record it too."""
    if getattr(actor, "is_authenticated", False) and member.user_id == actor.pk:
        return
    scope = scope_for(actor)
    if not scope.allows(member.unit, Action.VIEW):
        raise PermissionDenied(_("You may not record study for this member."))
    _require_manage(actor, member.unit)


def _add_record(
    *,
    actor: Any,
    member: Member,
    item: StudyItem,
    date: Any,
    hours: Any,
    note: str,
    source: str,
) -> StudyRecord:
    errors: dict[str, str] = {}
    if not member.is_active:
        raise ValidationError(_("%(name)s is not an active member.") % {"name": member.name})
    rule = None
    try:
        rule = _require_counted_item(item, member.unit)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if rule is not None and member.cadre_level not in rule.levels:
        errors["item"] = _("“%(t)s” is not required of %(name)s.") % {
            "t": item.title,
            "name": member.name,
        }
    try:
        date = _study_date(date, item.campaign)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        hours = clean_hours(hours)
        note = _text(note, "note", 200, required=False)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if source == RecordSource.MAKEUP and "item" not in errors:
        owed = (
            MemberStudyProgress.objects.filter(member=member)
            .values_list("makeup_list", flat=True)
            .first()
        )
        if not owed or f",{item.pk}," not in owed:
            errors["item"] = _("%(name)s owes no make-up study for “%(t)s”.") % {
                "name": member.name,
                "t": item.title,
            }
    if (
        not errors
        and StudyRecord.objects.filter(
            member=member, item=item, date=date, source=source, archived_at__isnull=True
        ).exists()
    ):
        errors["date"] = _("This study is already recorded for that day.")
    if errors:
        raise ValidationError(errors)
    record = StudyRecord.objects.create(
        member=member,
        item=item,
        date=date,
        hours=hours,
        note=note,
        source=source,
        is_makeup=source == RecordSource.MAKEUP,
        created_by=actor,
    )
    progress.recompute_members([member.pk])
    return record


@transaction.atomic
def study_checkin(
    *, actor: Any, member: Member, item: StudyItem, date: Any, hours: Any = None, note: str = ""
) -> StudyRecord:
    """A member checks in a piece of their own study (or their administrator does for them)."""
    member = Member.objects.select_related("unit").get(pk=member.pk)
    _may_record_for(actor, member)
    return _add_record(
        actor=actor,
        member=member,
        item=item,
        date=date,
        hours=hours,
        note=note,
        source=RecordSource.CHECKIN,
    )


@transaction.atomic
def study_makeup_record(
    *, actor: Any, member: Member, item: StudyItem, date: Any, hours: Any = None, note: str = ""
) -> StudyRecord:
    """Record make-up study for an item the member missed at a session."""
    member = Member.objects.select_related("unit").get(pk=member.pk)
    _may_record_for(actor, member)
    return _add_record(
        actor=actor,
        member=member,
        item=item,
        date=date,
        hours=hours,
        note=note,
        source=RecordSource.MAKEUP,
    )


@transaction.atomic
def study_record_archive(*, actor: Any, record: StudyRecord) -> StudyRecord:
    """Archive a record made in error (it stays on record and no longer counts)."""
    record = StudyRecord.objects.select_related("member__unit").get(pk=record.pk)
    _require_manage(actor, record.member.unit)
    if record.archived_at is None:
        record.archived_at = timezone.now()
        record.save(update_fields=["archived_at"])
        progress.recompute_members([record.member_id])
    return record
