"""Admin for what has no page of its own: each unit's outgoing webhook."""

from __future__ import annotations

from django.contrib import admin

from .models import UnitWebhook


@admin.register(UnitWebhook)
class UnitWebhookAdmin(admin.ModelAdmin[UnitWebhook]):
    list_display = ("unit", "url", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("unit__name", "unit__code", "url")
    raw_id_fields = ("unit",)
