"""The unit tree: a materialized path (treebeard MP_Node) with maintained rollups."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    COUNTY = "county", _("county / district")
    TOWNSHIP = "township", _("township / street")
    VILLAGE = "village", _("village / community")
    DEPARTMENT = "department", _("department")
    ENTERPRISE = "enterprise", _("enterprise")
    SCHOOL = "school", _("school")
    HOSPITAL = "hospital", _("hospital")
    PARTY_COMMITTEE = "party_committee", _("party committee")
    GENERAL_BRANCH = "general_branch", _("general branch")
    BRANCH = "branch", _("branch")
    OTHER = "other", _("other")


class Unit(MP_Node):
    """A node of the organization tree: a locality, department, enterprise, school or branch.

    ``path``/``depth``/``numchild`` are treebeard's materialized path; ``parent`` is kept
    beside it so that children are one indexed lookup and imports can speak of parent codes.
    Use the services in ``organization.services`` to create or change units: they keep the
    path, ``numchild`` and the rollups right.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.IntegerField(_("order"), default=0)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["numchild", "updated_at"])

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [
            # Prefix ranges (path LIKE 'xxxx%') use this index on PostgreSQL.
            models.Index(fields=["path"], name="unit_path_prefix", opclasses=["text_pattern_ops"]),
            models.Index(fields=["parent", "order", "name"], name="unit_children"),
            models.Index(fields=["kind"], name="unit_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_paths(self, include_self: bool = False) -> list[str]:
        """The paths of this unit's ancestors, root first (no query)."""
        end = len(self.path) + (self.steplen if include_self else 0)
        return [self.path[:i] for i in range(self.steplen, end, self.steplen)]


class UnitRollup(models.Model):
    """Maintained member and unit counts of one unit and of its whole subtree.

    Written only through ``chuxin.core.rollups`` (by the services that add, move or archive
    members and units); ``chuxin check_counters`` recomputes it from the raw rows.
    """

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, primary_key=True, related_name="rollup"
    )
    members = models.IntegerField(default=0)
    leading_cadres = models.IntegerField(default=0)
    units = models.IntegerField(default=1)
    subtree_members = models.IntegerField(default=0)
    subtree_leading_cadres = models.IntegerField(default=0)
    subtree_units = models.IntegerField(default=1)

    class Meta:
        verbose_name = _("unit rollup")
        verbose_name_plural = _("unit rollups")

    def __str__(self) -> str:
        return f"rollup of {self.unit_id}"
