"""Forms of the guidance pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin
from chuxin.organization.models import Campaign
from chuxin.problems.models import ProblemCategory, Severity

from .models import Rating, VisitMethod


class TeamForm(StyledFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    leader = forms.CharField(label=_("Team leader (user name)"), max_length=150)
    note = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = campaigns


class MemberForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)


class AssignmentForm(StyledFormMixin, forms.Form):
    unit_code = forms.CharField(label=_("Unit (code)"), max_length=64)
    include_subtree = forms.BooleanField(label=_("Include the unit's subtree"), required=False)


class VisitForm(StyledFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    methods = forms.MultipleChoiceField(
        label=_("Methods"), choices=VisitMethod.choices, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    findings = forms.CharField(
        label=_("Findings (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rating = forms.ChoiceField(
        label=_("Rating of the unit"), required=False, choices=[("", "—"), *Rating.choices]
    )
    rating_comment = forms.CharField(
        label=_("Comment on the rating"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = units
        self.fields["methods"].widget.attrs["class"] = "list-unstyled"


class RatingForm(StyledFormMixin, forms.Form):
    rating = forms.ChoiceField(label=_("Rating of the unit"), choices=Rating.choices)
    rating_comment = forms.CharField(
        label=_("Comment on the rating"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}))


class ProblemFromFindingForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Problem title"), max_length=200, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=ProblemCategory.choices, initial=ProblemCategory.WORK_STYLE
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM
    )


class SettingsForm(StyledFormMixin, forms.Form):
    members_review_meetings = forms.BooleanField(
        label=_("Team members review the life-meeting checking materials of their units"),
        required=False,
    )
    members_verify_rectification = forms.BooleanField(
        label=_("Team members verify the rectification tasks of their units"), required=False
    )
