"""Forms of the mechanism register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin

from .models import MechanismKind


class MechanismFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Title or number"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all kinds")), *MechanismKind.choices]
    )
    archived = forms.BooleanField(label=_("Archived ones"), required=False)


class MechanismForm(StyledFormMixin, forms.Form):
    campaign: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Campaign"), queryset=None, empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MechanismKind.choices)
    issued_on = forms.DateField(
        label=_("Issued"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.FileField(label=_("Document (PDF, office file or image)"), required=False)
    problem_codes = forms.CharField(
        label=_("Problems it came from (problem numbers, comma-separated)"),
        required=False,
        max_length=2000,
    )
    task_codes = forms.CharField(
        label=_("Rectification tasks it came from (task numbers, comma-separated)"),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = campaigns
