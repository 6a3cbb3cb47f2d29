"""Forms of the oversight pages: generating and editing a briefing, the weekly schedule."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin

from .models import BriefingSchedule


def _week_start() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=6)


class BriefingGenerateForm(StyledFormMixin, forms.Form):
    period_start = forms.DateField(
        label=_("Period from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=_week_start,
    )
    period_end = forms.DateField(
        label=_("Period to"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )


class BriefingEditForm(StyledFormMixin, forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    body_zh = forms.CharField(label=_("Text (Chinese)"), widget=forms.Textarea(attrs={"rows": 14}))
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    body_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 14}))


class ScheduleForm(StyledFormMixin, forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        coerce=int,
        choices=BriefingSchedule._meta.get_field("weekday").choices,  # type: ignore[arg-type]
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
