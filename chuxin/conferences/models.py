"""Promotion conferences (推进会): a conference of the campaign with its host and attendees
(their positions as they were that day), the main venue and sub-venues of a teleconference,
the agenda of speeches, the work it deployed (tracked as rectification tasks) and the news
release written from the record.

People are stored by name and the full text of their position at the time, since positions
change; a link to a :class:`~chuxin.organization.models.Member` or a user is optional. The
English fields (``*_en``) say how the English release names a person, post, venue or topic;
left blank, the release uses the Chinese text.
"""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from chuxin.core.models import TimeStampedModel
from chuxin.organization.models import Campaign, Member, Unit
from chuxin.problems.models import Problem
from chuxin.rectification.models import RectificationTask, SpecialRectification

_Part = TypeVar("_Part", bound=models.Model)


class ConferenceFormat(models.TextChoices):
    ON_SITE = "on_site", _("on site")
    TELECONFERENCE = "teleconference", _("teleconference")
    VIDEO = "video", _("video conference")


class PersonRole(models.TextChoices):
    PRESIDING = "presiding", _("presiding")
    ATTENDEE = "attendee", _("attendee")


class SpeechKind(models.TextChoices):
    MAIN = "main", _("main speech")
    DEPLOYMENT = "deployment", _("deployment of work")
    SPECIAL_REPORT = "special", _("report by a leading unit of a special rectification")
    OTHER = "other", pgettext_lazy("speech kind", "other speech")


class PartQuerySet(models.QuerySet[_Part]):
    """Participants, sub-venues and speeches: removed ones are archived, not deleted."""

    def live(self) -> PartQuerySet[_Part]:
        return self.filter(archived_at__isnull=True)


class Conference(TimeStampedModel):
    """One promotion conference: the campaign's n-th (``ordinal``), when, who organized it,
    how it was held and where. Archived, never deleted."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="conferences"
    )
    ordinal = models.PositiveSmallIntegerField(_("ordinal (the n-th conference)"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    theme_en = models.CharField(_("theme in English"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    organizer = models.ForeignKey(
        Unit, verbose_name=_("organizer"), on_delete=models.PROTECT, related_name="+"
    )
    organizer_label = models.CharField(
        _("organizer as the release names it"), max_length=100, blank=True
    )
    organizer_label_en = models.CharField(
        _("organizer as the English release names it"), max_length=100, blank=True
    )
    format = models.CharField(
        _("format"),
        max_length=20,
        choices=ConferenceFormat.choices,
        default=ConferenceFormat.ON_SITE,
    )
    main_venue = models.CharField(_("main venue"), max_length=200, blank=True)
    main_venue_en = models.CharField(_("main venue in English"), max_length=200, blank=True)
    other_attendees = models.CharField(
        _("others attending (e.g. relevant provincial leaders)"), max_length=300, blank=True
    )
    other_attendees_en = models.CharField(
        _("others attending, in English"), max_length=300, blank=True
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("promotion conference")
        verbose_name_plural = _("promotion conferences")
        ordering = ["campaign_id", "ordinal", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "ordinal"],
                condition=models.Q(archived_at__isnull=True),
                name="conference_campaign_ordinal",
            )
        ]
        indexes = [models.Index(fields=["starts_at"], name="conference_starts")]

    def __str__(self) -> str:
        return self.title


class ConferencePerson(models.Model):
    """The presiding person or an attendee, with the full position held on the day. Taken
    off the record, archived (``archived_at``), not deleted."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(_("role"), max_length=12, choices=PersonRole.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    position = models.CharField(pgettext_lazy("post", "position"), max_length=300, blank=True)
    position_en = models.CharField(_("position in English"), max_length=300, blank=True)
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.SET_NULL, null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = PartQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conference participant")
        verbose_name_plural = _("conference participants")
        ordering = ["conference_id", "role", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference"],
                condition=models.Q(role="presiding", archived_at__isnull=True),
                name="conference_one_presiding",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SubVenue(models.Model):
    """A sub-venue of a teleconference in a unit below the organizer: how many attended
    there and who chaired it. Taken off the record, archived, not deleted."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="venues")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    label_en = models.CharField(_("unit in English"), max_length=200, blank=True)
    attendance = models.PositiveIntegerField(_("attendance"), default=0)
    chaired_by = models.CharField(_("chaired by"), max_length=100, blank=True)
    chaired_by_position = models.CharField(_("chair's position"), max_length=300, blank=True)
    chaired_by_en = models.CharField(_("chaired by, in English"), max_length=100, blank=True)
    chaired_by_position_en = models.CharField(
        _("chair's position in English"), max_length=300, blank=True
    )

    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = PartQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sub-venue")
        verbose_name_plural = _("sub-venues")
        ordering = ["conference_id", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "unit"],
                condition=models.Q(archived_at__isnull=True),
                name="subvenue_unique_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.conference_id} · {self.unit_id}"


class Speech(models.Model):
    """An item of the agenda: who spoke (position at the time), on what, the key points in
    order. A report of a special rectification's leading unit links its programme. Taken off
    the agenda, archived, not deleted."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="speeches")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(
        pgettext_lazy("speech", "kind"), max_length=12, choices=SpeechKind.choices
    )
    speaker_name = models.CharField(_("speaker"), max_length=100, blank=True)
    speaker_name_en = models.CharField(_("speaker in English"), max_length=100, blank=True)
    position = models.CharField(pgettext_lazy("post", "position"), max_length=300, blank=True)
    position_en = models.CharField(_("position in English"), max_length=300, blank=True)
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.SET_NULL, null=True, blank=True
    )
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    topic_en = models.CharField(_("topic in English"), max_length=300, blank=True)
    key_points: models.JSONField[list[str]] = models.JSONField(
        _("key points"), default=list, blank=True
    )
    key_points_en: models.JSONField[list[str]] = models.JSONField(
        _("key points in English"), default=list, blank=True
    )
    special = models.ForeignKey(
        SpecialRectification,
        verbose_name=_("special rectification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conference_speeches",
    )

    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    objects = PartQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["conference_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.conference_id} · {self.order} {self.speaker_name}"


class DeployedItem(TimeStampedModel):
    """A piece of work the conference deployed: assigned to units with a time limit. Each
    assigned unit gets a problem (source: conference deployment) and a rectification task,
    so reminders, overdue, escalation and verification come from rectification."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="deployed_items"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    time_limit = models.DateField(_("time limit"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("deployed work item")
        verbose_name_plural = _("deployed work items")
        ordering = ["conference_id", "order", "id"]

    def __str__(self) -> str:
        return self.title


class DeployedAssignment(models.Model):
    """One unit's share of a deployed item: its problem and its rectification task."""

    item = models.ForeignKey(DeployedItem, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(
        RectificationTask, on_delete=models.PROTECT, related_name="conference_assignments"
    )

    class Meta:
        verbose_name = _("deployed work assignment")
        verbose_name_plural = _("deployed work assignments")
        ordering = ["item_id", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], name="deployed_unique_unit")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.unit_id}"


class Release(TimeStampedModel):
    """The news release of a conference, generated from the record in Chinese and English,
    edited as drafts, then published: frozen, with who published it and when."""

    conference = models.OneToOneField(Conference, on_delete=models.CASCADE, related_name="release")
    headline_zh = models.CharField(_("headline (Chinese)"), max_length=300)
    body_zh = models.TextField(_("text (Chinese)"))
    headline_en = models.CharField(_("headline (English)"), max_length=300)
    body_en = models.TextField(_("text (English)"))
    generated_at = models.DateTimeField(_("generated"))
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("news release")
        verbose_name_plural = _("news releases")

    def __str__(self) -> str:
        return self.headline_zh

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def headline(self, lang: str) -> str:
        return self.headline_en if lang == "en" else self.headline_zh

    def body(self, lang: str) -> str:
        return self.body_en if lang == "en" else self.body_zh

    def paragraphs(self, lang: str) -> list[str]:
        return [p.strip() for p in self.body(lang).split("\n") if p.strip()]
