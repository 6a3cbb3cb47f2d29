"""Forms of the research pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin
from chuxin.problems.models import ProblemCategory, Severity

from .models import ActivityMethod, TopicStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TopicFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Topic or lead cadre"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *TopicStatus.choices]
    )


class TopicForm(StyledFormMixin, forms.Form):
    campaign: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Campaign"), queryset=None, empty_label=None
    )
    title = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_number = forms.CharField(
        label=_("Lead cadre (member number)"),
        max_length=40,
        widget=forms.TextInput(attrs={"list": "lead-cadres", "autocomplete": "off"}),
    )
    planned_start = forms.DateField(label=_("Planned start"), widget=DATE)
    planned_end = forms.DateField(label=_("Planned end"), widget=DATE)

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = campaigns


class ActivityForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    place = forms.CharField(label=_("Place"), max_length=200)
    method = forms.ChoiceField(label=_("Method"), choices=ActivityMethod.choices)
    people_reached = forms.IntegerField(
        label=_("People reached"), min_value=0, max_value=1_000_000, initial=0
    )
    note = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    findings = forms.CharField(
        label=_("Findings (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FindingForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Finding"), max_length=5000)


class FindingProblemForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=ProblemCategory.choices, initial=ProblemCategory.OTHER
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM
    )


class ReportForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Research report"), widget=forms.Textarea(attrs={"rows": 5}))
    file = forms.FileField(label=_("Report file (PDF, office file or image)"), required=False)
