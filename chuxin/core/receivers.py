"""Keeps every registered rollup right when a unit is created or moved, for all capabilities.

A new unit gets its zero row in each rollup. A unit moves in two steps (see
``organization.services.unit_move``): treebeard rewrites the subtree's paths, then the unit is
saved with ``update_fields`` containing ``"parent"``. Before that save the row still names the
old parent, so :func:`remember_old_parent` reads it; after the save :func:`on_unit_saved` moves
the unit's subtree totals from the old parent's ancestry to the new one's, in every rollup.
Nothing runs while an import is under way: importers refresh every rollup afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import rollups
from .imports import import_in_progress

if TYPE_CHECKING:
    from chuxin.organization.models import Unit

# The parent a unit had before a save that changes it, kept on the instance between pre_save
# and post_save.
_OLD_PARENT = "_rollups_old_parent_id"


def _moves(update_fields: Any) -> bool:
    return update_fields is not None and "parent" in update_fields


@receiver(pre_save, sender="organization.Unit", dispatch_uid="core.rollups.unit_saving")
def remember_old_parent(
    sender: type[Unit], instance: Unit, update_fields: Any = None, **kwargs: Any
) -> None:
    """Before a move is saved: note the parent the database still has."""
    if instance.pk is None or not _moves(update_fields) or import_in_progress():
        return
    old = sender._default_manager.filter(pk=instance.pk).values_list("parent_id", flat=True)
    setattr(instance, _OLD_PARENT, old.first())


@receiver(post_save, sender="organization.Unit", dispatch_uid="core.rollups.unit_saved")
def on_unit_saved(
    sender: type[Unit], instance: Unit, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    """A new unit gets its zero row in every rollup; a moved unit takes its subtree's totals
    from its old ancestors to its new ones."""
    if import_in_progress():
        return  # the import refreshes every registered rollup, then sends import_applied
    if created:
        for rollup in rollups.registered():
            rollups.ensure_row(rollup, instance)
    elif _moves(update_fields) and hasattr(instance, _OLD_PARENT):
        old_parent_id = instance.__dict__.pop(_OLD_PARENT)
        if old_parent_id != instance.parent_id:
            unit_moved(sender, instance.pk, old_parent_id, instance.parent_id)


def unit_moved(
    model: type[Unit], unit_id: int, old_parent_id: int | None, new_parent_id: int | None
) -> None:
    """Move the unit's subtree totals in every rollup, then run the rollups' ``on_move``.

    The unit's path is checked against its new parent's: if treebeard did not move the
    subtree there (a bare save of ``parent``), the incremental step cannot be trusted and every
    rollup is rewritten from the raw rows instead.
    """
    ids = [pk for pk in (unit_id, old_parent_id, new_parent_id) if pk is not None]
    units = model._default_manager.in_bulk(ids)
    paths = {pk: unit.path for pk, unit in units.items()}
    old_parent_path = "" if old_parent_id is None else paths.get(old_parent_id)
    new_parent_path = "" if new_parent_id is None else paths.get(new_parent_id)
    in_place = (
        old_parent_path is not None
        and new_parent_path is not None
        and paths[unit_id][: -model.steplen] == new_parent_path
    )
    left = rollups.path_and_ancestors(old_parent_path or "")
    joined = rollups.path_and_ancestors(new_parent_path or "")
    for rollup in rollups.registered():
        if in_place:
            rollups.move_subtree(rollup, unit_id, left=left, joined=joined)
        else:
            rollups.refresh(rollup)
        if rollup.on_move is not None:
            rollup.on_move(units[unit_id])
