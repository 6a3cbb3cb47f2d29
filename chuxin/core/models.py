"""Shared base models: users, API tokens, import jobs."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Adds creation and last-change times to a domain record."""

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who logs in. What they may see comes from their role assignments."""

    preferred_language = models.CharField(
        _("preferred language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    # Notifications by email once a day (a digest) instead of one email each.
    daily_digest = models.BooleanField(_("daily digest by email"), default=False)
    digest_sent_on = models.DateField(_("last digest sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal API token, sent as ``Authorization: Bearer <token>``.

    Only a SHA-256 digest is stored; the token itself is shown once, when it is issued.
    """

    PREFIX = "cx_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.name or self.pk}"

    @classmethod
    def new_raw_token(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(raw: str) -> str:
        return _hash_token(raw)


class ImportJob(TimeStampedModel):
    """One file given to an importer: who, what, how far along, and every bad row found.

    The job is the record of the import: the file is kept, so nothing a user submitted is lost.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("imported")
        REFUSED = "refused", _("refused")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors: models.JSONField[list[dict[str, Any]]] = models.JSONField(default=list, blank=True)
    notes: models.JSONField[list[str]] = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REFUSED, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(100 * self.processed_rows / self.total_rows))


class Notification(models.Model):
    """A message to one user (a reminder, an assignment), shown in their inbox and, where
    configured, sent by email (at once, or in the user's daily digest). ``dedupe_key`` is
    unique per user: the same reminder is never created twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    digested_at = models.DateTimeField(_("sent in a digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="notify_once_per_user")
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_inbox"),
            models.Index(fields=["user", "kind"], name="notification_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.title}"
