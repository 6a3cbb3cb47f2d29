"""Pages of the core: home, health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; POST marks them all read."""
    from django.shortcuts import render

    from .models import Notification
    from .notifications import notification_mark_read
    from .pagination import paginate

    if request.method == "POST":
        notification_mark_read(actor=request.user)
        return redirect("inbox")
    notes = Notification.objects.filter(user_id=request.user.pk or 0)
    page = paginate(request, notes, per_page=30)
    return render(request, "core/inbox.html", {"page": page})
