"""What every page's layout needs: the navigation by capability, grouped so that it fits a
phone's menu and a laptop's bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .scoping import scope_for


@dataclass(frozen=True)
class Link:
    key: str
    label: str | Promise
    url_name: str
    prefixes: tuple[str, ...]  # the url-name prefixes whose pages belong to the entry
    managers_only: bool = False
    overseers_only: bool = False  # managers and guidance team members


@dataclass(frozen=True)
class Group:
    key: str
    label: str | Promise
    links: tuple[Link, ...]


SECTIONS: list[Link | Group] = [
    Link("dashboard", _("Dashboard"), "oversight:home", ("oversight:",), overseers_only=True),
    Group(
        "organization",
        _("Organization"),
        (
            Link("units", _("Units"), "organization:unit_tree", ("organization:unit",)),
            Link("members", _("Members"), "organization:member_list", ("organization:member",)),
            Link(
                "campaigns", _("Campaign"), "organization:campaign_list", ("organization:campaign",)
            ),
            Link(
                "imports",
                _("Imports"),
                "organization:import_start",
                ("organization:import",),
                managers_only=True,
            ),
        ),
    ),
    Link("study", _("Study"), "study:home", ("study:",)),
    Group(
        "rectification",
        _("Problems & rectification"),
        (
            Link("problems", _("Problems"), "problems:list", ("problems:",)),
            Link("rectification", _("Rectification"), "rectification:home", ("rectification:",)),
            Link("mechanisms", _("Long-term mechanisms"), "mechanisms:list", ("mechanisms:",)),
            Link(
                "opinions",
                _("Public opinions"),
                "portal:triage",
                (
                    "portal:triage",
                    "portal:opinion",
                    "portal:ratings",
                    "portal:to_problem",
                    "portal:merge",
                    "portal:answer",
                    "portal:close",
                ),
                managers_only=True,
            ),
        ),
    ),
    Group(
        "meetings",
        pgettext_lazy("navigation", "Meetings"),
        (
            Link("meetings", _("Life meetings"), "meetings:home", ("meetings:",)),
            Link("conferences", _("Promotion conferences"), "conferences:list", ("conferences:",)),
            Link("calendar", _("My calendar"), "my_calendar", ("my_calendar",)),
        ),
    ),
    Group(
        "oversight",
        _("Supervision"),
        (
            Link("investigation", _("Investigation"), "investigation:home", ("investigation:",)),
            Link("guidance", _("Guidance teams"), "guidance:home", ("guidance:",)),
            Link("assessment", _("Assessment"), "assessment:home", ("assessment:",)),
        ),
    ),
    Link("inbox", _("Inbox"), "inbox", ("inbox",)),
]


def _link(link: Link, current: str) -> dict[str, Any]:
    return {
        "key": link.key,
        "label": link.label,
        "url": reverse(link.url_name),
        "active": bool(current) and current.startswith(link.prefixes),
    }


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from chuxin.organization.models import Role

    scope = scope_for(user)
    manages = scope.everything or any(g.manage for g in scope.grants)
    oversees = manages or any(g.role == Role.GUIDANCE for g in scope.grants)

    def shown(link: Link) -> bool:
        return (manages or not link.managers_only) and (oversees or not link.overseers_only)

    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    items: list[dict[str, Any]] = []
    for section in SECTIONS:
        if isinstance(section, Link):
            if shown(section):
                items.append(_link(section, current))
            continue
        links = [_link(link, current) for link in section.links if shown(link)]
        if links:
            items.append(
                {
                    "key": section.key,
                    "label": section.label,
                    "links": links,
                    "active": any(link["active"] for link in links),
                }
            )
    return {"nav_items": items}
