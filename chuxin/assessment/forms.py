"""Forms of the assessment pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin
from chuxin.organization.models import Batch, Campaign

from . import indicators as registry
from .models import ScoringMethod
from .services import MAX_LEVELS


class SchemeForm(StyledFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    excellent_min = forms.DecimalField(
        label=_("Excellent from (total)"), max_digits=5, decimal_places=2, initial=90
    )
    good_min = forms.DecimalField(
        label=_("Good from (total)"), max_digits=5, decimal_places=2, initial=80
    )
    fair_min = forms.DecimalField(
        label=_("Fair from (total; below is poor)"), max_digits=5, decimal_places=2, initial=60
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = campaigns


def _registry_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(i.key, str(i.label)) for i in registry.all_indicators()]


class IndicatorForm(StyledFormMixin, forms.Form):
    method = forms.ChoiceField(label=_("Scoring"), choices=ScoringMethod.choices)
    key = forms.ChoiceField(label=_("Computed indicator"), required=False, choices=())
    label = forms.CharField(
        label=_("Label (for a computed one, empty: its own name)"), max_length=200, required=False
    )
    weight = forms.DecimalField(label=_("Weight"), max_digits=6, decimal_places=2)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["key"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _registry_choices()


class RunForm(StyledFormMixin, forms.Form):
    batch = forms.ModelChoiceField(
        label=_("Batch"), queryset=Batch.objects.none(), empty_label=None
    )
    cutoff = forms.DateField(
        label=_("Cut-off date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    levels = forms.TypedChoiceField(
        label=_("Units evaluated"),
        coerce=int,
        initial=0,
        choices=(),
    )

    def __init__(self, *args: Any, batches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["batch"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = batches
        levels = self.fields["levels"]
        assert isinstance(levels, forms.TypedChoiceField)
        levels.choices = [
            (0, gettext("the batch's units")),
            *[
                (n, gettext("and %(n)d level(s) below them") % {"n": n})
                for n in range(1, MAX_LEVELS + 1)
            ],
        ]


class ScoreForm(StyledFormMixin, forms.Form):
    score = forms.DecimalField(label=_("Score (0-100)"), max_digits=5, decimal_places=2)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
