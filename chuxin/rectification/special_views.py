"""Pages of special rectifications: the list, a programme's page with its roll-up per
participating unit (the numbers its leading unit reports at conferences), its tasks and
reports, and the forms to set one up, change it and report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.forms import StyledFormMixin, add_validation_errors
from chuxin.core.scoping import Action, scope_for
from chuxin.organization import selectors as org_selectors
from chuxin.organization.models import Campaign, Unit

from . import selectors, specials


class SpecialForm(StyledFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none(), empty_label=None
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    leading_unit = forms.CharField(label=gettext_lazy("Leading unit (code)"), max_length=64)
    participating = forms.CharField(
        label=gettext_lazy("Participating units (codes, one per line or comma-separated)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    goals = forms.CharField(
        label=gettext_lazy("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = campaigns


class ReportForm(StyledFormMixin, forms.Form):
    period = forms.CharField(label=gettext_lazy("Period"), max_length=100)
    text = forms.CharField(label=gettext_lazy("Report"), widget=forms.Textarea(attrs={"rows": 4}))


def _units(user: Any, raw: str, field: str) -> list[Unit]:
    codes = [c.strip() for c in raw.replace(",", "\n").replace("\uff0c", "\n").splitlines()]
    codes = [c for c in codes if c]
    found = {u.code: u for u in org_selectors.units_visible(user).filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({field: _("Unknown unit codes: %(c)s") % {"c": ", ".join(missing)}})
    return [found[c] for c in codes]


def _managed_campaigns(user: Any) -> Any:
    scope = scope_for(user)
    campaigns = org_selectors.campaigns_visible(user)
    return campaigns.filter(
        pk__in=[c.pk for c in campaigns if scope.allows(c.root_unit, Action.MANAGE)]
    )


@login_required
def special_list(request: HttpRequest) -> HttpResponse:
    items = list(specials.specials_visible(request.user).order_by("campaign_id", "name")[:200])
    return render(
        request,
        "rectification/special_list.html",
        {
            "items": [(s, specials.special_figures(s).totals) for s in items],
            "can_create": _managed_campaigns(request.user).exists(),
        },
    )


@login_required
def special_detail(request: HttpRequest, pk: int) -> HttpResponse:
    special = specials.special_get(request.user, pk)
    figures = specials.special_figures(special)
    scope = scope_for(request.user)
    tasks = selectors.tasks_visible(request.user).filter(special=special).order_by("time_limit")
    return render(
        request,
        "rectification/special_detail.html",
        {
            "special": special,
            "figures": figures,
            "tasks": [(t, selectors.light(t)) for t in tasks[:200]],
            "reports": special.reports.select_related("created_by"),
            "can_report": scope.allows(special.leading_unit, Action.MANAGE),
            "can_edit": scope.allows(special.leading_unit, Action.MANAGE)
            or scope.allows(special.campaign.root_unit, Action.MANAGE),
            "task_units": [
                line.unit for line in figures.lines if scope.allows(line.unit, Action.MANAGE)
            ],
            "report_form": ReportForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def special_create(request: HttpRequest) -> HttpResponse:
    campaigns = _managed_campaigns(request.user)
    if not campaigns.exists():
        raise PermissionDenied
    form = SpecialForm(request.POST or None, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lead = _units(request.user, data["leading_unit"], "leading_unit")
            if len(lead) != 1:
                raise ValidationError({"leading_unit": _("Give one unit code.")})
            special = specials.special_create(
                actor=request.user,
                campaign=data["campaign"],
                name=data["name"],
                leading_unit=lead[0],
                participating_units=_units(request.user, data["participating"], "participating"),
                goals=data["goals"],
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Special rectification set up."))
            return redirect("rectification:special_detail", pk=special.pk)
    return render(request, "rectification/special_form.html", {"form": form, "special": None})


@login_required
@require_http_methods(["GET", "POST"])
def special_edit(request: HttpRequest, pk: int) -> HttpResponse:
    special = specials.special_get(request.user, pk)
    scope = scope_for(request.user)
    if not (
        scope.allows(special.leading_unit, Action.MANAGE)
        or scope.allows(special.campaign.root_unit, Action.MANAGE)
    ):
        raise PermissionDenied
    campaigns = Campaign.objects.filter(pk=special.campaign_id)
    initial = {
        "campaign": special.campaign,
        "name": special.name,
        "leading_unit": special.leading_unit.code,
        "participating": "\n".join(u.code for u in special.participating_units.order_by("path")),
        "goals": special.goals,
    }
    form = SpecialForm(request.POST or None, campaigns=campaigns, initial=initial)
    form.fields["campaign"].disabled = True
    form.fields["leading_unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            specials.special_update(
                actor=request.user,
                special=special,
                name=data["name"],
                goals=data["goals"],
                participating_units=_units(request.user, data["participating"], "participating"),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("rectification:special_detail", pk=special.pk)
    return render(request, "rectification/special_form.html", {"form": form, "special": special})


@login_required
@require_POST
def special_report(request: HttpRequest, pk: int) -> HttpResponse:
    special = specials.special_get(request.user, pk, action=Action.MANAGE)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            specials.special_report_add(actor=request.user, special=special, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Report recorded."))
            return redirect("rectification:special_detail", pk=special.pk)
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("rectification:special_detail", pk=special.pk)
