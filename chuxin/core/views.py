"""Pages of the core: home, health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .scoping import scope_for


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the app and its database answer, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("organization:unit_tree")


def _kind_label(kind: str) -> str:
    """A notification kind in words: the capability it comes from (``study_due`` → Study)."""
    from django.apps import apps

    head = kind.replace(".", "_").split("_", 1)[0]
    for label in (head, f"{head}s"):
        try:
            return str(apps.get_app_config(label).verbose_name)
        except LookupError:
            continue
    return kind


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, filtered by kind and unread; read/unread per
    item, all read at once, the daily digest choice; for administrators, what the users of
    their units were told and whether they read it (``?view=team``)."""
    from django.shortcuts import render

    from .models import Notification
    from .notifications import (
        notification_mark_read,
        notification_mark_unread,
        notification_set_digest,
        subordinate_notifications,
    )
    from .pagination import paginate, query_without_page

    if request.method == "POST":
        action = request.POST.get("action", "all_read")
        try:
            ids = [int(request.POST["id"])] if "id" in request.POST else []
        except ValueError:
            ids = []
        if action == "read" and ids:
            notification_mark_read(actor=request.user, ids=ids)
        elif action == "unread" and ids:
            notification_mark_unread(actor=request.user, ids=ids)
        elif action == "digest":
            notification_set_digest(
                actor=request.user, daily_digest=request.POST.get("daily_digest") == "on"
            )
        elif action == "all_read":
            notification_mark_read(actor=request.user)
        nxt = request.POST.get("next", "")
        return redirect(nxt if nxt.startswith("/inbox/") else "inbox")
    team = request.GET.get("view") == "team"
    notes = (
        subordinate_notifications(request.user)
        if team
        else Notification.objects.filter(user_id=request.user.pk or 0)
    )
    kinds = sorted(set(notes.order_by().values_list("kind", flat=True).distinct()[:50]))
    kind = request.GET.get("kind", "")
    if kind:
        notes = notes.filter(kind=kind)
    if request.GET.get("unread") == "1":
        notes = notes.filter(read_at__isnull=True)
    page = paginate(request, notes, per_page=30)
    return render(
        request,
        "core/inbox.html",
        {
            "page": page,
            "page_query": query_without_page(request),
            "kinds": [(k, _kind_label(k)) for k in kinds],
            "kind": kind,
            "unread": request.GET.get("unread") == "1",
            "team": team,
            "may_see_team": request.user.is_superuser
            or any(g.manage for g in scope_for(request.user).grants),
        },
    )
