"""Assessment & evaluation (考核评估): indicator schemes of a campaign (weighted indicators,
each computed from live data or scored by hand by a guidance team, and grade bands), the
manual scores, and evaluations of a batch's units at a cut-off date.

An evaluation stores every figure it shows (each indicator's measure, how it was computed, its
weight and weighted score, the total, grade and rank) and a copy of the scheme as it was, so
that once published nothing later changes it: a re-run is a new evaluation."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from chuxin.core.models import TimeStampedModel
from chuxin.organization.models import Batch, Campaign, Unit, UnitKind


class Grade(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("grade", "excellent")
    GOOD = "good", pgettext_lazy("grade", "good")
    FAIR = "fair", pgettext_lazy("grade", "fair")
    POOR = "poor", pgettext_lazy("grade", "poor")


class ScoringMethod(models.TextChoices):
    COMPUTED = "computed", _("computed from live data")
    MANUAL = "manual", _("scored by a guidance team")


class EvaluationStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    FAILED = "failed", _("failed")


_SCORE = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class Scheme(TimeStampedModel):
    """A campaign's assessment scheme: weighted indicators and grade bands.

    A total at or above ``excellent_min`` is excellent, at or above ``good_min`` good, at or
    above ``fair_min`` fair, below it poor (0 <= fair < good < excellent <= 100)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="schemes"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    excellent_min = models.DecimalField(
        _("excellent from"), max_digits=5, decimal_places=2, default=Decimal(90), validators=_SCORE
    )
    good_min = models.DecimalField(
        _("good from"), max_digits=5, decimal_places=2, default=Decimal(80), validators=_SCORE
    )
    fair_min = models.DecimalField(
        _("fair from"), max_digits=5, decimal_places=2, default=Decimal(60), validators=_SCORE
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["campaign_id", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def bands(self) -> dict[str, str]:
        return {
            "excellent": str(self.excellent_min),
            "good": str(self.good_min),
            "fair": str(self.fair_min),
        }


class SchemeIndicator(TimeStampedModel):
    """One indicator of a scheme: its weight and how it is scored (a computed indicator's
    registry key, or by hand)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("label"), max_length=200)
    method = models.CharField(_("scoring"), max_length=10, choices=ScoringMethod.choices)
    key = models.CharField(_("computed indicator"), max_length=80, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(1000))],
    )
    description = models.TextField(_("description"), blank=True)
    archived_at = models.DateTimeField(_("removed"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("scheme indicator")
        verbose_name_plural = _("scheme indicators")
        ordering = ["scheme_id", "order", "id"]

    def __str__(self) -> str:
        return self.label


class ManualScore(TimeStampedModel):
    """A guidance team's score (0-100) of one unit on a hand-scored indicator, with a comment.
    One per indicator and unit; a change is kept in the history."""

    indicator = models.ForeignKey(
        SchemeIndicator, on_delete=models.CASCADE, related_name="manual_scores"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=_SCORE)
    comment = models.TextField(_("comment"), blank=True)
    team = models.ForeignKey(
        "guidance.GuidanceTeam", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("manual score")
        verbose_name_plural = _("manual scores")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="one_manual_score")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.unit_id} · {self.score}"


class Evaluation(TimeStampedModel):
    """An evaluation of the units of a batch at a cut-off date under a scheme.

    ``scheme_snapshot`` is the scheme as it was when run (indicators, weights, bands); the rows
    keep every figure. Running → draft → published (frozen); a failed run says why."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="evaluations")
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="+"
    )
    cutoff = models.DateField(_("cut-off date"))
    levels = models.PositiveSmallIntegerField(_("levels below the batch's units"), default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.RUNNING,
    )
    scheme_snapshot: models.JSONField[dict] = models.JSONField(default=dict)
    units_total = models.IntegerField(default=0)
    units_done = models.IntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "units_done"])

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.batch} · {self.cutoff}"

    @property
    def is_frozen(self) -> bool:
        return self.status == EvaluationStatus.PUBLISHED

    @property
    def percent_done(self) -> int:
        return self.units_done * 100 // self.units_total if self.units_total else 0


class EvaluationRow(models.Model):
    """One unit's result in an evaluation, every figure stored: the unit as it was (name,
    kind, level), per indicator (in ``scores``) the measure, its numerator, denominator and
    note, weight, effective weight and weighted score; the total, grade and rank among peers
    (same kind and level)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(max_length=200)
    unit_code = models.CharField(max_length=64)
    unit_kind = models.CharField(max_length=20, choices=UnitKind.choices)
    unit_depth = models.PositiveSmallIntegerField()
    unit_path = models.CharField(max_length=255)
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    grade = models.CharField(max_length=10, choices=Grade.choices, blank=True)
    rank = models.IntegerField(null=True)
    peers = models.IntegerField(default=0)
    renormalised = models.BooleanField(default=False)
    scores: models.JSONField[list] = models.JSONField(default=list)

    class Meta:
        verbose_name = _("evaluation row")
        verbose_name_plural = _("evaluation rows")
        ordering = ["evaluation_id", "unit_kind", "unit_depth", "rank", "unit_path"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "unit"], name="one_row_per_unit")
        ]
        indexes = [
            models.Index(fields=["evaluation", "unit_path"], name="evaluation_row_path"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} · {self.unit_name} · {self.total}"
