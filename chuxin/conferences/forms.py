"""Forms of the conference pages: the conference, a participant, a sub-venue, a speech, a
deployed item and the release editor. Units and members are named by code / number."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuxin.core.forms import StyledFormMixin
from chuxin.organization.models import Campaign
from chuxin.problems.models import ProblemCategory
from chuxin.rectification.models import SpecialRectification

from .models import ConferenceFormat, PersonRole, SpeechKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConferenceForm(StyledFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), empty_label=None
    )
    organizer = forms.CharField(label=_("Organizer (unit code)"), max_length=64)
    ordinal = forms.IntegerField(label=_("Ordinal (the n-th conference)"), min_value=1)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), required=False, widget=DATETIME)
    format = forms.ChoiceField(label=_("Format"), choices=ConferenceFormat.choices)
    main_venue = forms.CharField(label=_("Main venue"), max_length=200, required=False)
    organizer_label = forms.CharField(
        label=_("Organizer as the release names it (e.g. 省委)"), max_length=100, required=False
    )
    other_attendees = forms.CharField(
        label=_("Others attending (e.g. relevant provincial leaders)"),
        max_length=300,
        required=False,
    )
    theme = forms.CharField(label=_("Theme"), max_length=300, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    organizer_label_en = forms.CharField(
        label=_("Organizer in English (e.g. the provincial party committee)"),
        max_length=100,
        required=False,
    )
    theme_en = forms.CharField(label=_("Theme in English"), max_length=300, required=False)
    main_venue_en = forms.CharField(
        label=_("Main venue in English"), max_length=200, required=False
    )
    other_attendees_en = forms.CharField(
        label=_("Others attending, in English"), max_length=300, required=False
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = campaigns


class PersonForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PersonRole.choices)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100, required=False)
    position = forms.CharField(label=_("Full position at the time"), max_length=300, required=False)
    member_number = forms.CharField(
        label=_("Member number (optional link)"), max_length=40, required=False
    )
    name_en = forms.CharField(label=_("Name in English"), max_length=100, required=False)
    position_en = forms.CharField(label=_("Position in English"), max_length=300, required=False)


class VenueForm(StyledFormMixin, forms.Form):
    unit_code = forms.CharField(label=_("Unit (code)"), max_length=64)
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0, initial=0)
    chaired_by = forms.CharField(label=_("Chaired by"), max_length=100, required=False)
    chaired_by_position = forms.CharField(
        label=_("Chair's position"), max_length=300, required=False
    )
    label_en = forms.CharField(label=_("Unit in English"), max_length=200, required=False)
    chaired_by_en = forms.CharField(
        label=_("Chaired by, in English"), max_length=100, required=False
    )
    chaired_by_position_en = forms.CharField(
        label=_("Chair's position in English"), max_length=300, required=False
    )


class SpeechForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("speech", "Kind"), choices=SpeechKind.choices)
    special = forms.ModelChoiceField(
        label=_("Special rectification (for a leading unit's report)"),
        queryset=SpecialRectification.objects.none(),
        required=False,
    )
    speaker_name = forms.CharField(label=_("Speaker"), max_length=100, required=False)
    position = forms.CharField(
        label=_("Speaker's position at the time"), max_length=300, required=False
    )
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)
    key_points = forms.CharField(
        label=_("Key points (one per line, in order)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, required=False)
    speaker_name_en = forms.CharField(label=_("Speaker in English"), max_length=100, required=False)
    position_en = forms.CharField(label=_("Position in English"), max_length=300, required=False)
    topic_en = forms.CharField(label=_("Topic in English"), max_length=300, required=False)
    key_points_en = forms.CharField(
        label=_("Key points in English (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, specials: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["special"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = specials


class DeployedItemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Work deployed"), max_length=200)
    description = forms.CharField(
        label=_("What is to be done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit_codes = forms.CharField(
        label=_("Assigned units (codes, one per line or comma-separated)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    time_limit = forms.DateField(label=_("Time limit"), widget=DATE)
    category = forms.ChoiceField(
        label=_("Category"), choices=ProblemCategory.choices, initial=ProblemCategory.OTHER
    )


class ReleaseForm(StyledFormMixin, forms.Form):
    headline_zh = forms.CharField(label=_("Headline (Chinese)"), max_length=300)
    body_zh = forms.CharField(
        label=_("Text (Chinese), one paragraph per line"),
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    headline_en = forms.CharField(label=_("Headline (English)"), max_length=300)
    body_en = forms.CharField(
        label=_("Text (English), one paragraph per line"),
        widget=forms.Textarea(attrs={"rows": 10}),
    )
