"""Forms of the problem pages: the list filters and the problem editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin

from .models import Problem, ProblemCategory, ProblemSource, ProblemStatus, PublicPoint, Severity


class ProblemFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Title or number"), required=False, max_length=100)
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("all sources")), *ProblemSource.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("all categories")), *ProblemCategory.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *ProblemStatus.choices]
    )


class ProblemForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Problem
        fields = [
            "campaign",
            "title",
            "description",
            "source",
            "category",
            "public_point",
            "severity",
            "reported_on",
            "is_public",
        ]
        widgets = {
            "reported_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaign_field = self.fields["campaign"]
        assert isinstance(campaign_field, forms.ModelChoiceField)
        campaign_field.queryset = campaigns
        campaign_field.empty_label = None
        point_field = self.fields["public_point"]
        assert isinstance(point_field, forms.ChoiceField)
        point_field.choices = [("", "—"), *PublicPoint.choices]
        self.fields["severity"].initial = Severity.MEDIUM
        self.fields["reported_on"].initial = timezone.localdate()
        if self.instance.pk:
            self.fields["campaign"].disabled = True

    def validate_unique(self) -> None:
        """The services check what must be unique."""
