"""What every page's layout needs: the navigation by capability."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_items": []}
    items = [
        ("units", _("Organization"), reverse("organization:unit_tree")),
        ("members", _("Members"), reverse("organization:member_list")),
        ("campaigns", _("Campaign"), reverse("organization:campaign_list")),
        ("study", _("Study"), reverse("study:home")),
        ("imports", _("Imports"), reverse("organization:import_start")),
        ("inbox", _("Inbox"), reverse("inbox")),
    ]
    current = getattr(request, "resolver_match", None)
    section = current.url_name if current else ""
    return {
        "nav_items": [
            {"key": key, "label": label, "url": url, "active": section.startswith(key[:-1])}
            for key, label, url in items
        ]
    }
