"""Rectification & reform (整改落实): tasks for problems, with stage objectives, progress
updates with evidence, verification before closing, and the maintained per-unit counters.

Raw rows: :class:`RectificationTask`, :class:`StageObjective`, :class:`ProgressUpdate`,
:class:`Evidence`, :class:`TaskEvent`. Maintained (only by ``rectification.counters``):
:class:`UnitRectificationRollup`, one row per unit with own and subtree totals.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chuxin.core.models import TimeStampedModel
from chuxin.organization.models import Campaign, Member, Unit
from chuxin.problems.models import Problem


class TaskType(models.TextChoices):
    IMMEDIATE = "immediate", _("immediate")
    TIME_LIMITED = "limited", _("time-limited")
    LONG_TERM = "long_term", _("long-term")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    SUBMITTED = "submitted", _("completed, awaiting verification")
    VERIFIED = "verified", _("verified and closed")
    RETURNED = "returned", _("returned for more work")
    LONG_TERM = "long_term", _("long-term, ongoing")


# Work is still owed in these: past the time limit they are overdue.
OPEN_STATUSES = (
    TaskStatus.NOT_STARTED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.RETURNED,
)


class RectificationTask(TimeStampedModel):
    """A rectification task for one or more problems: who answers for it, what "rectified"
    means, the ordered work measures, the time limit, its stage objectives and its status.

    ``progress_manual`` is the percent set by hand (by a progress update); without it the
    progress is the share of stage objectives done. ``is_overdue`` is kept by the services on
    every write and by the daily refresh (``counters.overdue_refresh``), since it changes with
    the date alone. ``returned_count`` counts the returns: a returned task is never on time.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="tasks"
    )
    code = models.CharField(_("task number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    problems = models.ManyToManyField(
        Problem, verbose_name=_("problems"), related_name="tasks", blank=True
    )
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="rectification_tasks",
    )
    co_units = models.ManyToManyField(
        Unit, verbose_name=_("co-operating units"), related_name="+", blank=True
    )
    responsible_leader = models.ForeignKey(
        Member,
        verbose_name=_("responsible leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible_person = models.ForeignKey(
        Member,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    direction = models.TextField(_("direction / goal"), blank=True)
    measures: models.JSONField[list[str]] = models.JSONField(
        _("work measures"), default=list, blank=True
    )
    task_type = models.CharField(
        _("type"), max_length=12, choices=TaskType.choices, default=TaskType.TIME_LIMITED
    )
    time_limit = models.DateField(_("time limit"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress_manual = models.PositiveSmallIntegerField(_("progress set by hand"), null=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    returned_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    submitted_on = models.DateField(_("submitted"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    upper_task = models.ForeignKey(
        "self",
        verbose_name=_("upper unit's task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lower_tasks",
    )
    special = models.ForeignKey(
        "SpecialRectification",
        verbose_name=_("special rectification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    note = models.TextField(_("remarks"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        ordering = ["time_limit", "id"]
        indexes = [
            models.Index(fields=["responsible_unit", "status"], name="task_unit_status"),
            models.Index(fields=["is_overdue", "time_limit"], name="task_overdue"),
            models.Index(fields=["status", "time_limit"], name="task_status_limit"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def closed_on_time(self) -> bool:
        """Verified, never returned, submitted within the time limit (if it has one)."""
        if self.status != TaskStatus.VERIFIED or self.returned_count:
            return False
        if self.time_limit is None or self.submitted_on is None:
            return True
        return self.submitted_on <= self.time_limit


class StageObjective(models.Model):
    """A milestone of a task: due by a date, done on a date, with its evidence."""

    task = models.ForeignKey(
        RectificationTask, on_delete=models.CASCADE, related_name="stage_objectives"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("stage objective"), max_length=300)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage objective")
        verbose_name_plural = _("stage objectives")
        ordering = ["task_id", "order", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    """A dated report of progress on a task, with its evidence files."""

    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("percent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.date}"


class Evidence(models.Model):
    """Evidence of a task: a file of a progress update or of a stage objective, or a note (a
    text reference, e.g. what a ledger spreadsheet's 佐证材料 column said: files cannot come
    in a spreadsheet). Files are stored under a generated name and served only to users who
    may see the task (``views.evidence_download``, the API), never from the media URL."""

    task = models.ForeignKey(
        RectificationTask, on_delete=models.CASCADE, related_name="evidence", null=True
    )
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="files", null=True, blank=True
    )
    objective = models.ForeignKey(
        StageObjective, on_delete=models.CASCADE, related_name="files", null=True, blank=True
    )
    file = models.FileField(upload_to="rectification/%Y/%m/", blank=True)
    note = models.TextField(_("evidence note"), blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or self.note[:50]

    @property
    def is_file(self) -> bool:
        return bool(self.file)

    @property
    def label(self) -> str:
        """What the ledger's 佐证材料 column says of it."""
        return self.original_name if self.file else self.note


class TaskEvent(models.Model):
    """A change of a task's status: who, when, why. Returns and reopenings keep their reason."""

    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=12, choices=TaskStatus.choices)
    to_status = models.CharField(max_length=12, choices=TaskStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.from_status}→{self.to_status}"


class SpecialRectification(TimeStampedModel):
    """A named programme of the campaign (专项整治), led by a leading unit with participating
    units; its tasks belong to the participating units."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="specials"
    )
    name = models.CharField(_("name"), max_length=200)
    leading_unit = models.ForeignKey(
        Unit, verbose_name=_("leading unit"), on_delete=models.PROTECT, related_name="+"
    )
    participating_units = models.ManyToManyField(
        Unit, verbose_name=_("participating units"), related_name="+", blank=True
    )
    goals = models.TextField(_("goals"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("special rectification")
        verbose_name_plural = _("special rectifications")
        ordering = ["campaign_id", "name"]

    def __str__(self) -> str:
        return self.name


class UnitRectificationRollup(models.Model):
    """Per unit and subtree: problems by source and category, tasks by status, closed on time,
    overdue. Written only through ``chuxin.core.rollups`` by ``rectification.counters``."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, primary_key=True, related_name="rectification_rollup"
    )
    problems = models.IntegerField(default=0)
    p_public = models.IntegerField(default=0)
    p_research = models.IntegerField(default=0)
    p_self = models.IntegerField(default=0)
    p_meeting = models.IntegerField(default=0)
    p_supervision = models.IntegerField(default=0)
    p_higher = models.IntegerField(default=0)
    p_conference = models.IntegerField(default=0)
    c_reform = models.IntegerField(default=0)
    c_needs = models.IntegerField(default=0)
    c_risks = models.IntegerField(default=0)
    c_style = models.IntegerField(default=0)
    c_other = models.IntegerField(default=0)
    tasks = models.IntegerField(default=0)
    t_not_started = models.IntegerField(default=0)
    t_in_progress = models.IntegerField(default=0)
    t_submitted = models.IntegerField(default=0)
    t_verified = models.IntegerField(default=0)
    t_returned = models.IntegerField(default=0)
    t_long_term = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    subtree_problems = models.IntegerField(default=0)
    subtree_p_public = models.IntegerField(default=0)
    subtree_p_research = models.IntegerField(default=0)
    subtree_p_self = models.IntegerField(default=0)
    subtree_p_meeting = models.IntegerField(default=0)
    subtree_p_supervision = models.IntegerField(default=0)
    subtree_p_higher = models.IntegerField(default=0)
    subtree_p_conference = models.IntegerField(default=0)
    subtree_c_reform = models.IntegerField(default=0)
    subtree_c_needs = models.IntegerField(default=0)
    subtree_c_risks = models.IntegerField(default=0)
    subtree_c_style = models.IntegerField(default=0)
    subtree_c_other = models.IntegerField(default=0)
    subtree_tasks = models.IntegerField(default=0)
    subtree_t_not_started = models.IntegerField(default=0)
    subtree_t_in_progress = models.IntegerField(default=0)
    subtree_t_submitted = models.IntegerField(default=0)
    subtree_t_verified = models.IntegerField(default=0)
    subtree_t_returned = models.IntegerField(default=0)
    subtree_t_long_term = models.IntegerField(default=0)
    subtree_on_time = models.IntegerField(default=0)
    subtree_overdue = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("unit rectification rollup")
        verbose_name_plural = _("unit rectification rollups")

    def __str__(self) -> str:
        return f"rectification rollup of {self.unit_id}"


class UnitWebhook(TimeStampedModel):
    """Where a unit's rectification reminders and escalations are also POSTed (JSON, signed
    with HMAC-SHA256 of the body under ``secret``), e.g. for an intranet chat relay. A
    notification goes to the webhook of the unit it concerns, or the nearest one above."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="rectification_hook"
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class WebhookDelivery(models.Model):
    """One POST of one payload to a unit's webhook: tried at once, retried with backoff by
    the background task (``webhooks.deliver_due``) until delivered or ``MAX_ATTEMPTS``."""

    hook = models.ForeignKey(UnitWebhook, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(_("kind"), max_length=60)
    payload: models.JSONField[dict[str, object]] = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["hook", "-created_at"], name="delivery_hook_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.hook_id} {self.kind} {self.status}"


class SpecialReport(models.Model):
    """A periodic report of a special rectification by its leading unit, with the figures of
    the day it was written (kept as they were, since the live ones move on)."""

    special = models.ForeignKey(
        SpecialRectification, on_delete=models.CASCADE, related_name="reports"
    )
    period = models.CharField(_("period"), max_length=100)
    date = models.DateField(_("date"))
    text = models.TextField(_("report"))
    figures: models.JSONField[dict[str, int]] = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("special rectification report")
        verbose_name_plural = _("special rectification reports")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.special_id} · {self.period}"


class OverdueMark(models.Model):
    """The day for which the tasks' overdue flags (and the counters' overdue figures) were
    last brought up to date (``counters.overdue_refresh``). One row. Reads compare it with
    today and refresh first when the date has moved on (``counters.overdue_current``)."""

    on = models.DateField(_("flags current on"))
    refreshed_at = models.DateTimeField(_("refreshed"), auto_now=True)

    class Meta:
        verbose_name = _("overdue refresh mark")
        verbose_name_plural = _("overdue refresh marks")

    def __str__(self) -> str:
        return f"overdue current on {self.on}"


class SpecialUnitCount(models.Model):
    """Maintained: per special rectification and responsible unit (a participating unit or
    the leading unit), its tasks, closed, closed on time, open and overdue. Written only by
    ``special_counters`` (deltas from the services, set-based refreshes); checked by
    ``chuxin check_counters``."""

    special = models.ForeignKey(
        SpecialRectification, on_delete=models.CASCADE, related_name="unit_counts"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    tasks = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    open = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("special rectification unit count")
        verbose_name_plural = _("special rectification unit counts")
        constraints = [
            models.UniqueConstraint(fields=["special", "unit"], name="special_unit_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.special_id}/{self.unit_id}"
