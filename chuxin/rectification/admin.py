"""Admin for what has no page of its own: each unit's outgoing webhook."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import UnitWebhook
from .webhook_guard import check_url


class UnitWebhookAdminForm(forms.ModelForm[UnitWebhook]):
    """The same address rules as the unit's page (no private hosts, https, the allow-list)."""

    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = UnitWebhook
        fields = ["unit", "url", "secret", "active"]

    def clean_url(self) -> str:
        url = str(self.cleaned_data.get("url") or "")
        try:
            check_url(url)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["url"]) from exc
        return url


@admin.register(UnitWebhook)
class UnitWebhookAdmin(admin.ModelAdmin[UnitWebhook]):
    form = UnitWebhookAdminForm
    list_display = ("unit", "url", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("unit__name", "unit__code", "url")
    raw_id_fields = ("unit",)
