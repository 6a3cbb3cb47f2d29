"""The campaign (thematic education), its leading group, batches and the batch linkage."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chuxin.core.models import TimeStampedModel

from .people import Member
from .units import Unit


class Campaign(TimeStampedModel):
    """A time-boxed, organization-wide programme with a theme, rooted at one unit."""

    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=300)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    root_unit = models.ForeignKey(
        Unit, verbose_name=_("root unit"), on_delete=models.PROTECT, related_name="campaigns"
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="campaign_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class LeadingGroupMembership(TimeStampedModel):
    """A seat in the campaign's leading group (head, deputy head, member, office director).

    ``title`` keeps the person's full position as it was when they sat in the group, since
    positions change and releases quote them as they were.
    """

    class Position(models.TextChoices):
        HEAD = "head", _("head")
        DEPUTY_HEAD = "deputy_head", _("deputy head")
        MEMBER = "member", _("member")
        OFFICE_DIRECTOR = "office_director", _("office director")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="leading_group")
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    title = models.CharField(_("title at the time"), max_length=300, blank=True)
    order = models.IntegerField(_("order"), default=0)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("leading group membership")
        verbose_name_plural = _("leading group memberships")
        ordering = ["campaign_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="one_seat_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.get_position_display()}"


class Batch(TimeStampedModel):
    """A batch of the campaign: batch 1 the provincial organs, batch 2 the localities."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    units = models.ManyToManyField(
        Unit, through="BatchParticipation", related_name="batches", verbose_name=_("units")
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["campaign_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="one_batch_number"),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="batch_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BatchParticipation(models.Model):
    """A unit taking part in a batch; it brings its whole subtree with it."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="participations")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("batch participation")
        verbose_name_plural = _("batch participations")
        constraints = [models.UniqueConstraint(fields=["batch", "unit"], name="one_participation")]

    def __str__(self) -> str:
        return f"{self.batch} · {self.unit}"


class BatchLink(TimeStampedModel):
    """The linkage between the batches: an upper (batch 1) unit and one lower (batch 2) unit.

    Problems found below whose root lies above are escalated along these links.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="batch_links")
    upper_unit = models.ForeignKey(
        Unit, verbose_name=_("upper unit"), on_delete=models.PROTECT, related_name="lower_links"
    )
    lower_unit = models.ForeignKey(
        Unit, verbose_name=_("lower unit"), on_delete=models.PROTECT, related_name="upper_links"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("batch link")
        verbose_name_plural = _("batch links")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "upper_unit", "lower_unit"], name="one_batch_link"
            ),
            models.CheckConstraint(
                condition=~models.Q(upper_unit=models.F("lower_unit")), name="link_two_units"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.upper_unit} ↔ {self.lower_unit}"
