"""Members of the organization and the roles that users hold on units."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chuxin.core.models import TimeStampedModel

from .units import Unit


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class CadreLevel(models.TextChoices):
    """Cadre levels; study requirements differ by level."""

    PROVINCIAL = "provincial", _("provincial / ministerial")
    BUREAU = "bureau", _("department / bureau")
    COUNTY = "county", _("county / division")
    SECTION = "section", _("section")
    ORDINARY = "ordinary", _("ordinary member")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    TRANSFERRED = "transferred", _("transferred out")


class Member(TimeStampedModel):
    """A party member or cadre, belonging to one unit. No national ID numbers are stored."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("name"), max_length=100)
    member_number = models.CharField(_("member number"), max_length=40, unique=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    cadre_level = models.CharField(
        _("cadre level"), max_length=20, choices=CadreLevel.choices, default=CadreLevel.ORDINARY
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    is_leading_cadre = models.BooleanField(_("leading cadre"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["unit_id", "name", "id"]
        indexes = [
            models.Index(fields=["unit", "status", "name"], name="member_unit_status"),
            models.Index(fields=["name"], name="member_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.member_number})"

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE


class Role(models.TextChoices):
    OFFICE = "office", _("leading group office")
    UNIT_ADMIN = "unit_admin", _("unit administrator")
    GUIDANCE = "guidance", _("guidance team member")
    MEMBER = "member", _("member")


class RoleAssignment(TimeStampedModel):
    """A role held by a user on a unit.

    Office and administrator roles hold for the unit's whole subtree; a guidance team member
    holds exactly the unit (``include_subtree`` off) unless the office chooses otherwise; a
    member's role lets them see their own unit.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    include_subtree = models.BooleanField(_("holds for the subtree"), default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="one_role_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    @property
    def can_manage(self) -> bool:
        return self.role in {Role.OFFICE, Role.UNIT_ADMIN}
