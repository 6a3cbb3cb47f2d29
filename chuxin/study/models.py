"""Study & education: study items by cadre level, sessions, attendance, records, make-up study,
and the maintained counters that make coverage a one-row read for any unit.

Raw rows: :class:`StudyItem`, :class:`StudySession`, :class:`SessionAttendance`,
:class:`StudyRecord`. Maintained from them by ``study.progress`` (never written elsewhere):
:class:`MemberStudyProgress` (one row per member), :class:`UnitStudyRollup` (per unit and
subtree, registered with ``chuxin.core.rollups``), :class:`UnitItemProgress` (per unit and item)
and :class:`UnitLastSession`. ``chuxin check_counters`` recomputes all of them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chuxin.core.models import TimeStampedModel
from chuxin.organization.models import Batch, Campaign, Member, Unit


class StudyKind(models.TextChoices):
    REQUIRED_READING = "reading", _("required reading")
    SPECIAL_LECTURE = "lecture", _("special lecture")
    COLLECTIVE_STUDY = "collective", _("collective study")
    SEMINAR = "seminar", _("seminar / exchange")
    ONLINE_COURSE = "online", _("online course")
    SITE_VISIT = "visit", _("site visit")


class RecordSource(models.TextChoices):
    SESSION = "session", _("collective session")
    CHECKIN = "checkin", _("check-in")
    IMPORT = "import", _("import")
    MAKEUP = "makeup", _("make-up study")


class StudyItem(TimeStampedModel):
    """Something members must study: required for some cadre levels, so many times or hours.

    It applies to the members of the campaign's root unit subtree (or, for a batch's item, of
    the batch's units' subtrees) whose cadre level is in ``required_levels``. An item added
    mid-campaign counts from ``applies_from`` on: ``in_force`` says it is in the counters.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="study_items"
    )
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="study_items",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=StudyKind.choices)
    required_levels: models.JSONField[list[str]] = models.JSONField(
        _("required for cadre levels"), default=list
    )
    required_times = models.PositiveSmallIntegerField(_("times required"), default=1)
    required_hours = models.DecimalField(
        _("hours required"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    material = models.FileField(_("material file"), upload_to="study/%Y/%m/", blank=True)
    material_url = models.URLField(_("material link"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    applies_from = models.DateField(_("applies from"))
    in_force = models.BooleanField(_("in force"), default=False, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("study item")
        verbose_name_plural = _("study items")
        ordering = ["campaign_id", "applies_from", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_counted(self) -> bool:
        return self.in_force and self.archived_at is None


class StudySession(TimeStampedModel):
    """A collective study session a unit held for an item, with its attendance."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="study_sessions"
    )
    item = models.ForeignKey(
        StudyItem, verbose_name=_("study item"), on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(_("date"))
    host = models.CharField(_("host"), max_length=100)
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("study session")
        verbose_name_plural = _("study sessions")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "date"], name="study_session_unit_date")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.item} · {self.date}"


class SessionAttendance(models.Model):
    """One member of the roster at a session: present, or absent with a reason (owes make-up)."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(_("present"), default=True)
    absence_reason = models.CharField(_("reason for absence"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="study_attend_once")
        ]
        indexes = [models.Index(fields=["member", "present"], name="study_attend_member")]

    def __str__(self) -> str:
        return f"{self.session_id} · {self.member_id} · {self.present}"


class StudyRecord(models.Model):
    """One piece of study a member did: at a session, by check-in, imported, or as make-up.

    High volume (tens of millions of rows, a million at a time from an import), so no history
    table; records are archived, never deleted. A member has at most one live record per
    item, day and source, which is what makes a re-import add nothing.

    Shaped for the bulk import, which writes a million records sorted by member:

    - The uniqueness rule's index leads with the member: it is also how a member's live
      records are found, so an import writes one member-ordered index besides the primary
      key, each of its pages once. (Led by item and day, it cost a second index by member.)
    - A member's archived records have an index of their own, which no import writes.
    - By session, only the records that have one (an import's have none).
    - "The records of an item" (editing an item's rules, a tenth of the table) is a scan.
    - The references are checked by the services that write records (the import checks a
      million rows' members and items in a few statements), not again row by row by the
      database (``db_constraint=False``: that alone cost the import nine seconds a million
      rows). Members, items and sessions are archived, never deleted, and Django still refuses
      to delete one that has records (``PROTECT``); ``chuxin check_counters`` reports any
      record whose member, item or session is missing.
    """

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    item = models.ForeignKey(
        StudyItem, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=RecordSource.choices)
    session = models.ForeignKey(
        StudySession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        db_index=False,
        db_constraint=False,
    )
    is_makeup = models.BooleanField(_("make-up"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("study record")
        verbose_name_plural = _("study records")
        indexes = [
            models.Index(
                fields=["member"],
                condition=models.Q(archived_at__isnull=False),
                name="study_record_member_archived",
            ),
            models.Index(
                fields=["session"],
                condition=models.Q(session__isnull=False),
                name="study_record_session",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "item", "date", "source"],
                condition=models.Q(archived_at__isnull=True),
                name="study_record_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.item_id} · {self.date}"


# --- Maintained counters (written only by study.progress) -------------------------------------


class MemberStudyProgress(models.Model):
    """One member's standing: items required and done, make-up owed, covered or not.

    ``required_list``, ``owed_list`` and ``makeup_list`` are item ids as ``,3,5,`` (``,`` for
    none), so "who still owes item 5" is one ``LIKE '%,5,%'`` and adding an item mid-campaign is
    one set-based UPDATE. ``owed_list`` holds the required items not yet done.
    """

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, primary_key=True, related_name="study_progress"
    )
    # Looked up by ``(unit, covered)``, which serves "by unit" too.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    active = models.BooleanField(default=True)
    required_items = models.IntegerField(default=0)
    done_items = models.IntegerField(default=0)
    covered = models.BooleanField(default=False)
    makeup_owed = models.IntegerField(default=0)
    # Whether the member has any live record ("never recorded" is its opposite). A flag, not
    # a count: a member who had records and gets more needs no write (a million-row import
    # reaches tens of thousands of such members).
    recorded = models.BooleanField(default=False)
    required_list = models.TextField(default=",")
    owed_list = models.TextField(default=",")
    makeup_list = models.TextField(default=",")

    class Meta:
        verbose_name = _("member study progress")
        verbose_name_plural = _("member study progress")
        indexes = [models.Index(fields=["unit", "covered"], name="study_progress_unit")]

    def __str__(self) -> str:
        return f"progress of {self.member_id}"


class UnitStudyRollup(models.Model):
    """Per unit and subtree: members, members with study required, covered, never recorded,
    owing make-up, sessions held. Coverage = covered / members with study required."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, primary_key=True, related_name="study_rollup"
    )
    members = models.IntegerField(default=0)
    required = models.IntegerField(default=0)
    covered = models.IntegerField(default=0)
    never_recorded = models.IntegerField(default=0)
    makeup_owing = models.IntegerField(default=0)
    sessions = models.IntegerField(default=0)
    subtree_members = models.IntegerField(default=0)
    subtree_required = models.IntegerField(default=0)
    subtree_covered = models.IntegerField(default=0)
    subtree_never_recorded = models.IntegerField(default=0)
    subtree_makeup_owing = models.IntegerField(default=0)
    subtree_sessions = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("unit study rollup")
        verbose_name_plural = _("unit study rollups")

    def __str__(self) -> str:
        return f"study rollup of {self.unit_id}"


class UnitItemProgress(models.Model):
    """Per unit and item: members the item is required of, and of them those who have done it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="+")
    required = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    subtree_required = models.IntegerField(default=0)
    subtree_done = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("unit item progress")
        verbose_name_plural = _("unit item progress")
        constraints = [
            models.UniqueConstraint(fields=["unit", "item"], name="study_unit_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.item_id}"


class UnitLastSession(models.Model):
    """The date of the last live collective session a unit held (for "no session in N days")."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, primary_key=True, related_name="study_last_session"
    )
    last_session_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.last_session_on}"
