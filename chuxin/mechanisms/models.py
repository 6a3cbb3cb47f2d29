"""The register of long-term mechanisms (长效机制): the institutional measures the campaign
produced (regulations, systems, plans, standards, items of next year's plan), each from the
problems and rectification tasks it answers.

Raw rows: :class:`Mechanism`. Maintained (only by ``mechanisms.counters``):
:class:`UnitMechanismRollup`, one row per unit with own and subtree counts by kind.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chuxin.core.models import TimeStampedModel
from chuxin.organization.models import Campaign, Unit
from chuxin.problems.models import Problem
from chuxin.rectification.models import RectificationTask


class MechanismKind(models.TextChoices):
    REGULATION = "regulation", _("regulation")
    SYSTEM = "system", _("system")
    PLAN = "plan", _("plan")
    STANDARD = "standard", _("standard")
    NEXT_YEAR = "next_year", _("next year's plan item")


class Mechanism(TimeStampedModel):
    """An institutional measure issued by a unit, with its document and the problems and tasks
    it came from. Archived, never deleted: an archived mechanism no longer counts.

    The document is stored under a generated name and served only to users who may see the
    mechanism (``views.document_download``).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="mechanisms"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="mechanisms"
    )
    code = models.CharField(_("mechanism number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=MechanismKind.choices)
    issued_on = models.DateField(_("issued"))
    summary = models.TextField(_("summary"), blank=True)
    document = models.FileField(_("document"), upload_to="mechanisms/%Y/%m/", blank=True)
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    document_content_type = models.CharField(max_length=100, blank=True)
    document_size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    problems = models.ManyToManyField(
        Problem, verbose_name=_("problems"), related_name="mechanisms", blank=True
    )
    tasks = models.ManyToManyField(
        RectificationTask,
        verbose_name=_("rectification tasks"),
        related_name="mechanisms",
        blank=True,
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # The origins are part of the audit trail: who linked which task, and when.
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[problems, tasks])

    class Meta:
        verbose_name = _("long-term mechanism")
        verbose_name_plural = _("long-term mechanisms")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["unit", "kind"], name="mechanism_unit_kind")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class UnitMechanismRollup(models.Model):
    """Per unit and subtree: mechanisms in force (not archived), in all and by kind. Written
    only through ``chuxin.core.rollups`` by ``mechanisms.counters``."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, primary_key=True, related_name="mechanism_rollup"
    )
    mechanisms = models.IntegerField(default=0)
    k_regulation = models.IntegerField(default=0)
    k_system = models.IntegerField(default=0)
    k_plan = models.IntegerField(default=0)
    k_standard = models.IntegerField(default=0)
    k_next_year = models.IntegerField(default=0)
    subtree_mechanisms = models.IntegerField(default=0)
    subtree_k_regulation = models.IntegerField(default=0)
    subtree_k_system = models.IntegerField(default=0)
    subtree_k_plan = models.IntegerField(default=0)
    subtree_k_standard = models.IntegerField(default=0)
    subtree_k_next_year = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("unit mechanism rollup")
        verbose_name_plural = _("unit mechanism rollups")

    def __str__(self) -> str:
        return f"mechanism rollup of {self.unit_id}"
