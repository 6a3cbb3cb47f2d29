"""Supervision & guidance (督促指导): the campaign's guidance teams, the units assigned to them,
their visits with findings (which become problems of the unit) and a rating of the unit per
visit, and the office's setting of whether team members review the units' checkpoints.

Team membership is what scoping sees: the services keep one
``organization.RoleAssignment(role=GUIDANCE)`` per member and assigned unit (see
``services.sync_roles``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from chuxin.core.models import TimeStampedModel
from chuxin.organization.models import Campaign, Unit
from chuxin.problems.models import Problem


class CheckpointKind(models.TextChoices):
    MEETING_MATERIALS = "meeting_materials", _("life-meeting checking materials")
    RECTIFICATION = "rectification", _("rectification verification")


class VisitMethod(models.TextChoices):
    ATTEND_MEETING = "attend_meeting", _("attending meetings")
    INTERVIEW = "interview", _("random interviews")
    RECORDS = "records", _("checking records")
    QUESTIONNAIRE = "questionnaire", _("questionnaires")
    SPOT_CHECK = "spot_check", _("spot checks of rectification")


class Rating(models.TextChoices):
    GOOD = "good", pgettext_lazy("rating", "good")
    FAIR = "fair", pgettext_lazy("rating", "fair")
    POOR = "poor", pgettext_lazy("rating", "poor")


class GuidanceSettings(TimeStampedModel):
    """The office's choices for the guidance teams of one campaign: whether the team members
    are the checkpoint reviewers of their units (life-meeting checking materials,
    rectification verification). Without a row both are on."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="guidance_settings"
    )
    members_review_meetings = models.BooleanField(
        _("team members review the life-meeting checking materials of their units"), default=True
    )
    members_verify_rectification = models.BooleanField(
        _("team members verify the rectification tasks of their units"), default=True
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("guidance settings")
        verbose_name_plural = _("guidance settings")

    def __str__(self) -> str:
        return f"guidance settings of {self.campaign_id}"

    def enabled(self, kind: str) -> bool:
        if kind == CheckpointKind.MEETING_MATERIALS:
            return self.members_review_meetings
        if kind == CheckpointKind.RECTIFICATION:
            return self.members_verify_rectification
        return False


class GuidanceTeam(TimeStampedModel):
    """A guidance team of the campaign: a leader, members (users), assigned units."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="guidance_teams",
    )
    name = models.CharField(_("name"), max_length=200)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team leader"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("remarks"), blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("guidance team")
        verbose_name_plural = _("guidance teams")
        ordering = ["campaign_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(TimeStampedModel):
    """A user on a guidance team (the leader has one too). Removal archives the row."""

    team = models.ForeignKey(GuidanceTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="guidance_memberships",
    )
    archived_at = models.DateTimeField(_("removed"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("guidance team member")
        verbose_name_plural = _("guidance team members")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=models.Q(archived_at__isnull=True),
                name="guidance_one_active_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.user}"


class TeamAssignment(TimeStampedModel):
    """A unit assigned to a team: exactly that unit, or its subtree where the office chose."""

    team = models.ForeignKey(GuidanceTeam, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="guidance_assignments"
    )
    include_subtree = models.BooleanField(_("include the unit's subtree"), default=False)
    archived_at = models.DateTimeField(_("unassigned"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("assigned unit")
        verbose_name_plural = _("assigned units")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "unit"],
                condition=models.Q(archived_at__isnull=True),
                name="guidance_one_active_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} → {self.unit}"

    def covers_path(self, path: str) -> bool:
        unit_path: str = self.unit.path
        return path.startswith(unit_path) if self.include_subtree else path == unit_path


class Visit(TimeStampedModel):
    """A team's visit to one of its units: when, how, what it saw, and its rating of the unit."""

    team = models.ForeignKey(GuidanceTeam, on_delete=models.PROTECT, related_name="visits")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="guidance_visits"
    )
    date = models.DateField(_("date"))
    methods: models.JSONField[list[str]] = models.JSONField(_("methods"), default=list)
    summary = models.TextField(_("summary"), blank=True)
    rating = models.CharField(_("rating"), max_length=8, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("comment on the rating"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("guidance visit")
        verbose_name_plural = _("guidance visits")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"], name="guidance_visit_unit_date")]

    def __str__(self) -> str:
        return f"{self.team} @ {self.unit} {self.date}"

    def method_labels(self) -> list[str]:
        labels = dict(VisitMethod.choices)
        return [str(labels.get(m, m)) for m in self.methods]


class Finding(TimeStampedModel):
    """Something a visit found; it can become a problem on the unit's list (source:
    supervision)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField(_("finding"))
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["visit_id", "id"]

    def __str__(self) -> str:
        return self.text[:60]
