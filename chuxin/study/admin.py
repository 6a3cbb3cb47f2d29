"""Study records in the configuration site: items and sessions to look up; the counters are
maintained by the services and are not edited here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import StudyItem, StudySession


@admin.register(StudyItem)
class StudyItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "campaign", "kind", "applies_from", "due_date", "in_force"]
    list_filter = ["kind", "in_force", "campaign"]
    search_fields = ["title"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # through the study pages, which keep the counters right

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(StudySession)
class StudySessionAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "item", "date", "host"]
    list_filter = ["date"]
    raw_id_fields = ["unit", "item", "recorded_by"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
