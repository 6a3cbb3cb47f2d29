"""A unit administrator's page for the unit's webhook (address, enabled, the signing secret
shown once when generated, a test delivery) and the delivery log (with its export)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chuxin.core.exports import Column, csv_response, xlsx_response
from chuxin.core.forms import add_validation_errors
from chuxin.core.pagination import paginate, query_without_page
from chuxin.core.scoping import Action
from chuxin.organization import selectors as org_selectors

from . import webhooks
from .forms import WebhookForm
from .models import DeliveryStatus


@login_required
@require_http_methods(["GET", "POST"])
def webhook_page(request: HttpRequest, unit_pk: int) -> HttpResponseBase:
    """Set up the unit's webhook. Only those who manage the unit (404 outside sight, 403 if
    only visible)."""
    unit = org_selectors.unit_get(request.user, unit_pk, action=Action.MANAGE)
    hook = webhooks.hook_of(unit)
    secret: str | None = None
    form = WebhookForm(initial={"url": hook.url, "active": hook.active} if hook else None)
    test = None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "save":
            form = WebhookForm(request.POST)
            if form.is_valid():
                try:
                    hook, secret = webhooks.webhook_save(
                        actor=request.user,
                        unit=unit,
                        url=form.cleaned_data["url"],
                        active=form.cleaned_data["active"],
                    )
                except ValidationError as exc:
                    add_validation_errors(form, exc)
                else:
                    messages.success(request, _("Saved."))
        elif action == "regenerate" and hook is not None:
            secret = webhooks.webhook_secret_regenerate(actor=request.user, hook=hook)
            messages.success(request, _("A new signing secret was generated."))
        elif action == "test" and hook is not None:
            test = webhooks.webhook_send_test(actor=request.user, hook=hook)
        else:
            messages.error(request, _("Set the address first."))
    recent = list(webhooks.deliveries_of(unit)[:5]) if hook else []
    return render(
        request,
        "rectification/webhook.html",
        {
            "unit": unit,
            "hook": hook,
            "form": form,
            "secret": secret,
            "test": test,
            "recent": recent,
            "signature_header": webhooks.SIGNATURE_HEADER,
            "max_attempts": webhooks.MAX_ATTEMPTS,
        },
    )


DELIVERY_COLUMNS = [
    Column(gettext_lazy("Queued"), lambda d: d.created_at.isoformat(timespec="seconds"), 20),
    Column(gettext_lazy("Kind"), lambda d: d.kind, 24),
    Column(gettext_lazy("Status"), lambda d: str(d.get_status_display()), 12),
    Column(gettext_lazy("Attempts"), lambda d: d.attempts, 10),
    Column(gettext_lazy("Response"), lambda d: d.response_code or "", 10),
    Column(gettext_lazy("Last error"), lambda d: d.last_error, 40),
    Column(
        gettext_lazy("Next attempt"),
        lambda d: d.next_attempt_at.isoformat(timespec="seconds") if d.next_attempt_at else "",
        20,
    ),
    Column(
        gettext_lazy("Delivered"),
        lambda d: d.delivered_at.isoformat(timespec="seconds") if d.delivered_at else "",
        20,
    ),
]


@login_required
def webhook_deliveries(request: HttpRequest, unit_pk: int) -> HttpResponseBase:
    """The delivery log of the unit's webhook, newest first; ``?status=``; .xlsx/.csv."""
    unit = org_selectors.unit_get(request.user, unit_pk, action=Action.MANAGE)
    qs: Any = webhooks.deliveries_of(unit)
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        qs = qs.filter(status=status)
    fmt = request.GET.get("format")
    stem = f"webhook-deliveries-{unit.code}"
    if fmt == "csv":
        return csv_response(stem, DELIVERY_COLUMNS, qs.iterator())
    if fmt == "xlsx":
        return xlsx_response(stem, _("Webhook deliveries"), DELIVERY_COLUMNS, qs.iterator())
    page = paginate(request, qs, per_page=50)
    return render(
        request,
        "rectification/webhook_deliveries.html",
        {
            "unit": unit,
            "page": page,
            "status": status,
            "statuses": DeliveryStatus.choices,
            "page_query": query_without_page(request),
        },
    )
