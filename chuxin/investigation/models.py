"""Investigation & research (调查研究): research topics led by leading cadres, the activities
under a topic (field visits, forums, questionnaires, individual interviews), the findings of
each activity (each can become a problem on the list) and the research report at the end.

Raw rows: :class:`ResearchTopic`, :class:`ResearchActivity`, :class:`ResearchFinding`.
Maintained (only by ``investigation.counters``): :class:`UnitResearchRollup`, one row per unit
with its own and its subtree's totals.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from chuxin.core.models import TimeStampedModel
from chuxin.organization.models import Campaign, Member, Unit
from chuxin.problems.models import Problem


class TopicStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("research topic", "planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("research topic", "in progress")
    REPORTED = "reported", _("report submitted")
    ARCHIVED = "archived", pgettext_lazy("research topic", "archived")


class ActivityMethod(models.TextChoices):
    FIELD_VISIT = "visit", _("field visit")
    FORUM = "forum", _("forum")
    QUESTIONNAIRE = "questionnaire", _("questionnaire")
    INTERVIEW = "interview", _("individual interview")


class ResearchTopic(TimeStampedModel):
    """A research topic of a unit, led by one of its leading cadres, over a planned period.

    The report (text, optional file) is written at the end; submitting it moves the topic to
    "report submitted". The file is stored under a generated name and served only to users who
    may see the topic (``views.report_download``).
    """

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="research_topics",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="research_topics"
    )
    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(
        Member,
        verbose_name=_("lead cadre"),
        on_delete=models.PROTECT,
        related_name="research_topics",
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    status = models.CharField(
        _("status"), max_length=12, choices=TopicStatus.choices, default=TopicStatus.PLANNED
    )
    report_text = models.TextField(_("research report"), blank=True)
    report_file = models.FileField(_("report file"), upload_to="investigation/%Y/%m/", blank=True)
    report_file_name = models.CharField(_("file name"), max_length=200, blank=True)
    report_content_type = models.CharField(max_length=100, blank=True)
    report_size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    reported_on = models.DateField(_("report submitted on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("research topic")
        verbose_name_plural = _("research topics")
        ordering = ["-planned_start", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="topic_unit_status"),
            models.Index(fields=["lead", "campaign"], name="topic_lead_campaign"),
        ]

    def __str__(self) -> str:
        return self.title


class ResearchActivity(models.Model):
    """One piece of research under a topic: when, where, how, and how many people it reached."""

    topic = models.ForeignKey(ResearchTopic, on_delete=models.CASCADE, related_name="activities")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    method = models.CharField(_("method"), max_length=20, choices=ActivityMethod.choices)
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    note = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("research activity")
        verbose_name_plural = _("research activities")
        ordering = ["topic_id", "date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.place}"


class ResearchFinding(models.Model):
    """What an activity found. Turned into a problem (source: investigation and research), it
    points to that problem, so the topic shows the problems and tasks that came from it."""

    activity = models.ForeignKey(
        ResearchActivity, on_delete=models.CASCADE, related_name="findings"
    )
    text = models.TextField(_("finding"))
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="research_findings",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("research finding")
        verbose_name_plural = _("research findings")
        ordering = ["activity_id", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class UnitResearchRollup(models.Model):
    """Per unit and subtree: research topics (and those with a report), activities, findings,
    people reached. Written only through ``chuxin.core.rollups`` by ``investigation.counters``."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, primary_key=True, related_name="research_rollup"
    )
    topics = models.IntegerField(default=0)
    reported = models.IntegerField(default=0)
    activities = models.IntegerField(default=0)
    findings = models.IntegerField(default=0)
    people = models.IntegerField(default=0)
    subtree_topics = models.IntegerField(default=0)
    subtree_reported = models.IntegerField(default=0)
    subtree_activities = models.IntegerField(default=0)
    subtree_findings = models.IntegerField(default=0)
    subtree_people = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("unit research rollup")
        verbose_name_plural = _("unit research rollups")

    def __str__(self) -> str:
        return f"research rollup of {self.unit_id}"
