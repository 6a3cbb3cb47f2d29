"""Forms of the study pages: items, sessions, check-in, make-up, the dead-ends report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin
from chuxin.organization.models import Batch, CadreLevel, Campaign

from .models import StudyItem, StudyKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StudyItemForm(StyledFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    batch = forms.ModelChoiceField(
        label=_("Batch (optional)"), queryset=Batch.objects.none(), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=StudyKind.choices)
    required_levels = forms.MultipleChoiceField(
        label=_("Required for cadre levels"),
        choices=CadreLevel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    required_times = forms.IntegerField(
        label=_("Times required"), min_value=1, max_value=100, initial=1
    )
    required_hours = forms.DecimalField(
        label=_("Hours required (optional)"),
        required=False,
        min_value=0.1,
        max_value=999.9,
        decimal_places=1,
    )
    applies_from = forms.DateField(label=_("Applies from"), widget=DATE)
    due_date = forms.DateField(label=_("Due date (optional)"), required=False, widget=DATE)
    material = forms.FileField(label=_("Material file (optional)"), required=False)
    material_url = forms.URLField(
        label=_("Material link (optional)"), required=False, max_length=500, assume_scheme="https"
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        self.fields["batch"].queryset = Batch.objects.filter(  # type: ignore[attr-defined]
            campaign__in=campaigns
        )
        self.fields["applies_from"].initial = timezone.localdate()
        self.fields["required_levels"].widget.attrs["class"] = "form-check-input"

    def clean_material(self) -> Any:
        upload = self.cleaned_data.get("material")
        if upload and upload.size and upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    @classmethod
    def initial_for(cls, item: StudyItem) -> dict[str, Any]:
        return {
            "campaign": item.campaign_id,
            "batch": item.batch_id,
            "title": item.title,
            "kind": item.kind,
            "required_levels": item.required_levels,
            "required_times": item.required_times,
            "required_hours": item.required_hours,
            "applies_from": item.applies_from,
            "due_date": item.due_date,
            "material_url": item.material_url,
            "description": item.description,
        }


class SessionForm(StyledFormMixin, forms.Form):
    """The session's facts; who was present comes from the roster checkboxes."""

    item = forms.ModelChoiceField(label=_("Study item"), queryset=StudyItem.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE)
    host = forms.CharField(label=_("Host"), max_length=100)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)
    hours = forms.DecimalField(
        label=_("Hours (optional)"), required=False, min_value=0.1, max_value=99.9, decimal_places=1
    )

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["date"].initial = timezone.localdate()


class RecordForm(StyledFormMixin, forms.Form):
    """A check-in or a make-up record."""

    item = forms.ModelChoiceField(label=_("Study item"), queryset=StudyItem.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE)
    hours = forms.DecimalField(
        label=_("Hours (optional)"), required=False, min_value=0.1, max_value=99.9, decimal_places=1
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["date"].initial = timezone.localdate()


class DeadEndForm(StyledFormMixin, forms.Form):
    threshold = forms.IntegerField(
        label=_("Coverage below (%)"), min_value=1, max_value=100, initial=80, required=False
    )
    days = forms.IntegerField(
        label=_("No session in (days)"), min_value=1, max_value=365, initial=30, required=False
    )
