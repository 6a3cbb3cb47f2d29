"""Special democratic life meetings (专题民主生活会, for leading bodies) and special organizational
life meetings (专题组织生活会, for branches): preparation, holding, follow-up and the report.

A :class:`LifeMeeting` moves planned → preparing → ready → held → reported (or is archived).
Preparation is a checklist: linked study sessions, solicited opinions, heart-to-heart talks and
each participant's checking material, reviewed at a checkpoint by the level above. The gate to
"ready" is the materials: all approved, or a reviewer's recorded override. The record of the
meeting (self-criticism, criticisms received, responses) is confidential: see
``selectors.may_see_record``. :class:`UnitMeetingRollup` keeps the per-unit and subtree counts
by status (``chuxin.core.rollups``).
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
from chuxin.study.models import StudySession

DEFAULT_REPORT_DAYS = 15
DEFAULT_REMIND_DAYS_BEFORE = 3


class MeetingKind(models.TextChoices):
    DEMOCRATIC = "democratic", _("special democratic life meeting")
    ORGANIZATIONAL = "organizational", _("special organizational life meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting status", "planned")
    PREPARING = "preparing", pgettext_lazy("meeting status", "preparing")
    READY = "ready", pgettext_lazy("meeting status", "ready")
    HELD = "held", pgettext_lazy("meeting status", "held")
    REPORTED = "reported", pgettext_lazy("meeting status", "reported")
    ARCHIVED = "archived", pgettext_lazy("meeting status", "archived")


# The statuses counted by the rollup (archived meetings count no more).
COUNTED_STATUSES = (
    MeetingStatus.PLANNED,
    MeetingStatus.PREPARING,
    MeetingStatus.READY,
    MeetingStatus.HELD,
    MeetingStatus.REPORTED,
)


class MeetingSettings(models.Model):
    """Per campaign: within how many days of holding a meeting its report is due upward, and
    how many days before that date the unit is reminded (``chuxin send_meeting_reminders``)."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="meeting_settings"
    )
    report_due_days = models.PositiveSmallIntegerField(
        _("report due within (days)"), default=DEFAULT_REPORT_DAYS
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind this many days before the report is due"), default=DEFAULT_REMIND_DAYS_BEFORE
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("life meeting settings")
        verbose_name_plural = _("life meeting settings")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.report_due_days}"


class LifeMeeting(TimeStampedModel):
    """One special life meeting of a unit: what it is, where it stands, how it went.

    ``report_due_on`` is set when the meeting is held (held date + the meeting's own
    ``report_due_days`` or the campaign's); ``report_late`` says the report was (or, while
    unsubmitted, is) past it, as of the last write; pages ask :attr:`is_late` for today.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="life_meetings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    theme = models.CharField(_("theme"), max_length=300)
    planned_on = models.DateField(_("planned date"))
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    # Preparation.
    study_sessions = models.ManyToManyField(
        StudySession, verbose_name=_("study sessions"), blank=True, related_name="+"
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(_("override recorded"), null=True, blank=True)
    ready_at = models.DateTimeField(_("marked ready"), null=True, blank=True)
    # Holding.
    held_on = models.DateField(_("held on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    # Report.
    report_due_days = models.PositiveSmallIntegerField(
        _("report due within (days)"), null=True, blank=True
    )
    report_due_on = models.DateField(_("report due"), null=True, blank=True)
    report_text = models.TextField(_("report"), blank=True)
    report_submitted_on = models.DateField(_("report submitted"), null=True, blank=True)
    report_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archived_reason = models.CharField(_("reason for archiving"), max_length=300, blank=True)
    problems = models.ManyToManyField(
        Problem, through="MeetingProblem", related_name="life_meetings", blank=True
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("life meeting")
        verbose_name_plural = _("life meetings")
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="meeting_unit_status"),
            models.Index(fields=["status", "report_due_on"], name="meeting_status_due"),
            models.Index(fields=["campaign", "planned_on"], name="meeting_campaign_date"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.theme}"

    @property
    def is_archived(self) -> bool:
        return self.status == MeetingStatus.ARCHIVED

    def late_on(self, day: object) -> bool:
        """Whether the report is late as of ``day``: submitted after the due date, or not
        submitted and the due date has passed."""
        if self.report_due_on is None:
            return False
        if self.report_submitted_on is not None:
            return self.report_submitted_on > self.report_due_on
        return self.status == MeetingStatus.HELD and day > self.report_due_on  # type: ignore[operator]


class Participant(models.Model):
    """A member of the leading body or branch taking part, with their part of the record."""

    meeting = models.ForeignKey(LifeMeeting, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.IntegerField(_("order"), default=0)
    # The record (confidential).
    present = models.BooleanField(_("present"), null=True, blank=True)
    absence_reason = models.CharField(_("reason for absence"), max_length=200, blank=True)
    self_criticism = models.TextField(_("self-criticism"), blank=True)
    response = models.TextField(_("response to criticism"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="meeting_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.member_id}"


class Guide(models.Model):
    """A higher-level person attending to guide: a guidance team member or a leader above."""

    meeting = models.ForeignKey(LifeMeeting, on_delete=models.CASCADE, related_name="guides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("position"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_guide_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.user_id}"


class OpinionMethod(models.TextChoices):
    FORUM = "forum", _("forum")
    QUESTIONNAIRE = "questionnaire", _("questionnaire")
    TALKS = "talks", _("individual talks")
    SUGGESTION_BOX = "box", _("suggestion box")
    ONLINE = "online", _("online")


class Solicitation(models.Model):
    """Opinions solicited before the meeting: how, when, from how many people."""

    meeting = models.ForeignKey(LifeMeeting, on_delete=models.CASCADE, related_name="solicitations")
    method = models.CharField(_("method"), max_length=20, choices=OpinionMethod.choices)
    held_on = models.DateField(_("date"))
    respondents = models.PositiveIntegerField(_("people asked"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("solicitation of opinions")
        verbose_name_plural = _("solicitations of opinions")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.method} · {self.held_on}"


class Opinion(models.Model):
    """One opinion received; it may become a problem on the list (source: life meeting)."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="opinions"
    )
    text = models.TextField(_("opinion"))
    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:50]


class HeartTalk(models.Model):
    """A heart-to-heart talk between two participants (stored with ``first`` < ``second``)."""

    meeting = models.ForeignKey(LifeMeeting, on_delete=models.CASCADE, related_name="talks")
    first = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    talked_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("heart-to-heart talk")
        verbose_name_plural = _("heart-to-heart talks")
        ordering = ["talked_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="talk_pair_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ↔ {self.second_id} · {self.talked_on}"


class MaterialStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted for review")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned for revision")


class CheckingMaterial(TimeStampedModel):
    """A participant's checking material (对照检查材料); its text lives in its versions."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="material"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MaterialStatus.choices, default=MaterialStatus.DRAFT
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("checking material")
        verbose_name_plural = _("checking materials")

    def __str__(self) -> str:
        return f"{self.participant_id} · {self.status}"


class MaterialVersion(models.Model):
    """One version of a checking material; every version is kept."""

    material = models.ForeignKey(
        CheckingMaterial, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        ordering = ["material_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="material_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.material_id} v{self.number}"


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("approve")
    RETURN = "return", _("return with comments")


class MaterialReview(models.Model):
    """A checkpoint review of one version by the level above."""

    material = models.ForeignKey(CheckingMaterial, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(MaterialVersion, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    comments = models.TextField(_("comments"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), auto_now_add=True)

    class Meta:
        verbose_name = _("material review")
        verbose_name_plural = _("material reviews")
        ordering = ["material_id", "reviewed_at", "id"]

    def __str__(self) -> str:
        return f"{self.material_id} · {self.decision}"


class Criticism(models.Model):
    """A criticism one participant received at the meeting: from whom, what (confidential)."""

    target = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="criticisms")
    critic = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    critic_name = models.CharField(_("from (if not a participant)"), max_length=100, blank=True)
    text = models.TextField(_("criticism"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criticism")
        verbose_name_plural = _("criticisms")
        ordering = ["target_id", "id"]

    def __str__(self) -> str:
        return f"{self.target_id} · {self.text[:30]}"


class MeetingProblem(models.Model):
    """A problem found at (or before) the meeting, put on the problem list."""

    meeting = models.ForeignKey(LifeMeeting, on_delete=models.CASCADE, related_name="+")
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("follow-up problem")
        verbose_name_plural = _("follow-up problems")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "problem"], name="meeting_problem_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.problem_id}"


class MeetingRating(models.Model):
    """The guidance side's rating of the meeting's quality (1-5) with a comment."""

    meeting = models.ForeignKey(LifeMeeting, on_delete=models.CASCADE, related_name="ratings")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting rating")
        verbose_name_plural = _("meeting ratings")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "rated_by"], name="meeting_rated_once"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="meeting_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.rating}"


class UnitMeetingRollup(models.Model):
    """Per unit and subtree: life meetings by status, and those reported late.

    Written only through ``chuxin.core.rollups`` by the services; ``chuxin check_counters``
    recomputes it. Meetings late and still unreported depend on today, so they are read from
    the meetings (indexed by status and due date), not counted here.
    """

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, primary_key=True, related_name="meeting_rollup"
    )
    planned = models.IntegerField(default=0)
    preparing = models.IntegerField(default=0)
    ready = models.IntegerField(default=0)
    held = models.IntegerField(default=0)
    reported = models.IntegerField(default=0)
    reported_late = models.IntegerField(default=0)
    subtree_planned = models.IntegerField(default=0)
    subtree_preparing = models.IntegerField(default=0)
    subtree_ready = models.IntegerField(default=0)
    subtree_held = models.IntegerField(default=0)
    subtree_reported = models.IntegerField(default=0)
    subtree_reported_late = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("unit meeting rollup")
        verbose_name_plural = _("unit meeting rollups")

    def __str__(self) -> str:
        return f"meeting rollup of {self.unit_id}"
