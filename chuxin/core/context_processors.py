"""What every page's layout needs: the navigation by capability."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scoping import scope_for

# (key, label, url name, the url-name prefixes whose pages belong to the section, managers only)
SECTIONS = [
    ("units", _("Organization"), "organization:unit_tree", ("organization:unit",), False),
    ("members", _("Members"), "organization:member_list", ("organization:member",), False),
    ("campaigns", _("Campaign"), "organization:campaign_list", ("organization:campaign",), False),
    ("study", _("Study"), "study:home", ("study:",), False),
    ("problems", _("Problems"), "problems:list", ("problems:",), False),
    ("rectification", _("Rectification"), "rectification:home", ("rectification:",), False),
    ("imports", _("Imports"), "organization:import_start", ("organization:import",), True),
    ("calendar", _("My calendar"), "my_calendar", ("my_calendar",), False),
    ("inbox", _("Inbox"), "inbox", ("inbox",), False),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_for(user)
    manages = scope.everything or any(g.manage for g in scope.grants)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    return {
        "nav_items": [
            {
                "key": key,
                "label": label,
                "url": reverse(url_name),
                "active": current.startswith(prefixes),
            }
            for key, label, url_name, prefixes, managers_only in SECTIONS
            if manages or not managers_only
        ]
    }
