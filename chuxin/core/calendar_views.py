"""The user's own calendar: every capability's upcoming events on one page, the same as an
.ics download, and a private feed address that a calendar program can subscribe to without a
session (it stops working when the user's password changes)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import calendar


def feed_token(user: object) -> str:
    """``<pk>-<hmac>``: names the user and proves the address was handed out to them."""
    pk = getattr(user, "pk", None)
    secret = salted_hmac(
        "chuxin.calendar.feed", f"{pk}:{getattr(user, 'password', '')}", algorithm="sha256"
    ).hexdigest()[:32]
    return f"{pk}-{secret}"


def _ics_response(request: HttpRequest, user: object, filename: str) -> HttpResponse:
    events = calendar.events_for_user(user)
    body = calendar.to_ics(events, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def my_calendar(request: HttpRequest) -> HttpResponse:
    """My upcoming meetings and conferences, soonest first."""
    events = calendar.events_for_user(request.user)
    feed_url = request.build_absolute_uri(
        reverse("calendar_feed", kwargs={"token": feed_token(request.user)})
    )
    return render(request, "core/calendar.html", {"events": events, "feed_url": feed_url})


@login_required
@require_GET
def my_calendar_ics(request: HttpRequest) -> HttpResponse:
    return _ics_response(request, request.user, "chuxin-calendar.ics")


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribable feed; any wrong, stale or malformed token answers 404."""
    pk, _sep, _secret = token.partition("-")
    if not pk.isdigit():
        raise Http404
    user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    if user is None or not constant_time_compare(feed_token(user), token):
        raise Http404
    return _ics_response(request, user, "chuxin-calendar.ics")
