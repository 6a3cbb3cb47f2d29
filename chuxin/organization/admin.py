"""Configuration in Django's admin: campaigns, batches, links, leading group, roles.

Units and members are read-only here: they change through the pages, imports and API, whose
services keep the rollups right.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Batch,
    BatchLink,
    BatchParticipation,
    Campaign,
    LeadingGroupMembership,
    Member,
    RoleAssignment,
    Unit,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "depth", "numchild", "archived_at"]
    list_filter = ["kind", "depth"]
    search_fields = ["code", "name"]
    show_full_result_count = False


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["member_number", "name", "unit", "cadre_level", "is_leading_cadre", "status"]
    list_filter = ["cadre_level", "is_leading_cadre", "status"]
    search_fields = ["member_number", "name"]
    list_select_related = ["unit"]
    show_full_result_count = False


class BatchParticipationInline(admin.TabularInline):
    model = BatchParticipation
    autocomplete_fields = ["unit"]
    extra = 0


@admin.register(Batch)
class BatchAdmin(SimpleHistoryAdmin):
    list_display = ["name", "campaign", "number", "start_date", "end_date"]
    inlines = [BatchParticipationInline]


class LeadingGroupInline(admin.TabularInline):
    model = LeadingGroupMembership
    autocomplete_fields = ["member"]
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["title", "start_date", "end_date", "root_unit"]
    autocomplete_fields = ["root_unit"]
    inlines = [LeadingGroupInline]


@admin.register(BatchLink)
class BatchLinkAdmin(SimpleHistoryAdmin):
    list_display = ["campaign", "upper_unit", "lower_unit"]
    autocomplete_fields = ["upper_unit", "lower_unit"]
    list_select_related = ["upper_unit", "lower_unit", "campaign"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit", "include_subtree"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name", "unit__code"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
