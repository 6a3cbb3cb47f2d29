"""Helpers shared by the pages of life meetings: a small form posted from the meeting page,
a service's errors as messages, the way back to the meeting page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from chuxin.core.forms import run_action
from chuxin.organization.models import Member, MemberStatus

from ..models import LifeMeeting


def _form_errors(request: HttpRequest, form: Any) -> None:
    for name, errors in form.errors.items():
        label = str(form[name].label) if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def attempt(
    request: HttpRequest, call: Callable[[], Any], ok: str, back: str, form: Any = None
) -> HttpResponse:
    """Call the service behind a button, say ``ok`` or its errors, and go back to ``back``."""
    return run_action(request, call, success=ok, redirect_to=back, form=form)


def act(
    request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], Any], ok: str, back: str
) -> HttpResponse:
    """Validate a small form posted from the meeting page, call the service, go back."""
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    return attempt(request, lambda: call(form.cleaned_data), ok, back, form)


def back_to(meeting: LifeMeeting, anchor: str = "") -> str:
    """The meeting page, at the section ``anchor``."""
    return reverse("meetings:detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def mark_late(rows: Any) -> Any:
    today = timezone.localdate()
    for m in rows:
        m.is_late_today = m.late_on(today)
        yield m


def unit_members(unit: Any) -> Any:
    """The unit's active members who may take part, leading cadres first."""
    return Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE).order_by(
        "-is_leading_cadre", "name", "pk"
    )
