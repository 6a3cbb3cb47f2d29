from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from .models import ApiToken, ImportJob, User

admin.site.register(User, UserAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "revoked_at"]
    readonly_fields = ["user", "digest", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued with `chuxin issue_token`, which shows the token once


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["kind", "original_name", "status", "created_by", "created_at"]
    list_filter = ["kind", "status"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
