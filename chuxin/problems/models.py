"""The problem list (问题清单): every problem the campaign found, from every source.

A problem lies in one unit. It may be merged into another (it keeps its history and points to
the survivor) and escalated along the batch linkage to the upper unit where its root lies.
Rectification tasks (``chuxin.rectification``) are given for one or more problems.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chuxin.core.models import TimeStampedModel
from chuxin.organization.models import Campaign, Unit


class ProblemSource(models.TextChoices):
    PUBLIC_OPINION = "public", _("the public's opinions")
    RESEARCH = "research", _("investigation and research")
    SELF_EXAMINATION = "self", _("self-examination")
    LIFE_MEETING = "meeting", _("life meeting")
    SUPERVISION = "supervision", _("supervision and guidance")
    HIGHER_LEVEL = "higher", _("assigned by the higher level")
    CONFERENCE = "conference", _("conference deployment")


class ProblemCategory(models.TextChoices):
    REFORM_DEVELOPMENT_STABILITY = (
        "reform",
        _("key and difficult issues of reform, development and stability"),
    )
    URGENT_NEEDS = "needs", _("the people's most urgent and worrying needs")
    MAJOR_RISKS = "risks", _("major risks and challenges")
    WORK_STYLE = "style", _("work style: formalism, bureaucratism")
    OTHER = "other", _("other")


class PublicPoint(models.TextChoices):
    DIFFICULTY = "difficulty", _("difficulty")
    PAIN = "pain", _("pain")
    BLOCKAGE = "blockage", _("blockage")


class Severity(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_RECTIFICATION = "rectifying", _("in rectification")
    RECTIFIED = "rectified", _("rectified")
    MERGED = "merged", _("merged into another")


class Problem(TimeStampedModel):
    """One problem on the list: where it lies, where it came from, what kind, how grave.

    ``code`` is the problem number (问题编号) of the ledger; a re-import finds the problem by
    it. ``merged_into`` points to the surviving problem once merged; ``escalated_to`` to the
    copy at the upper unit of a batch link, whose root lies there.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="problems"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="problems"
    )
    code = models.CharField(_("problem number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=ProblemSource.choices)
    category = models.CharField(_("category"), max_length=20, choices=ProblemCategory.choices)
    public_point = models.CharField(
        _("the public's point"), max_length=20, choices=PublicPoint.choices, blank=True
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    reported_on = models.DateField(_("reported"))
    is_public = models.BooleanField(_("public"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_problems",
    )
    escalated_from = models.OneToOneField(
        "self",
        verbose_name=_("escalated from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalated_to",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-reported_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="problem_unit_status"),
            models.Index(fields=["campaign", "reported_on"], name="problem_campaign_date"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_counted(self) -> bool:
        """Merged problems live on in their survivor: they count no more."""
        return self.status != ProblemStatus.MERGED


class ProblemSignature(models.Model):
    """Marks a problem whose text has been indexed for duplicate suggestions, with a digest
    of the text indexed (a changed text is indexed again). Derived data, rebuilt at will."""

    problem = models.OneToOneField(
        Problem, on_delete=models.CASCADE, primary_key=True, related_name="signature"
    )
    digest = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("problem text signature")
        verbose_name_plural = _("problem text signatures")

    def __str__(self) -> str:
        return f"signature of {self.problem_id}"


class ProblemBand(models.Model):
    """One locality-sensitive key of a problem's text (a band of its one-permutation MinHash
    over character bigrams; see ``similarity``). Problems sharing a key in the same unit are
    the candidates for duplicates; the (unit, key) index finds them among any number."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="bands")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.BigIntegerField()

    class Meta:
        verbose_name = _("problem text band")
        verbose_name_plural = _("problem text bands")
        indexes = [models.Index(fields=["unit", "key"], name="problem_band_unit_key")]

    def __str__(self) -> str:
        return f"{self.problem_id}:{self.key}"
