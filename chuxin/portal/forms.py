"""Forms of the portal: the public's opinion and rating forms (with the challenge and the
honeypot), the tracking-code form, and the staff's entry, filter and triage forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin
from chuxin.problems.models import ProblemCategory, PublicPoint, Severity

from . import abuse
from .models import (
    ANSWER_MAX,
    COMMENT_MAX,
    TEXT_MAX,
    OpinionChannel,
    OpinionStatus,
    Satisfaction,
)

# Accept a little more than allowed so the service can say by how much it is too long.
_SLACK = 100_000


class ChallengeMixin(forms.Form):
    """The small sum and the honeypot; ``challenge_token`` carries the signed answer."""

    challenge_answer = forms.CharField(label=_("Answer"), max_length=10)
    challenge_token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if abuse.honeypot_filled(data.get(abuse.HONEYPOT)):
            raise forms.ValidationError(_("Your submission could not be accepted."))
        if "challenge_answer" in data and "challenge_token" in data:
            problem = abuse.verify_challenge(data["challenge_token"], data["challenge_answer"])
            if problem:
                self.add_error("challenge_answer", problem)
        return data


class OpinionForm(StyledFormMixin, ChallengeMixin):
    text = forms.CharField(
        label=_("Your opinion"),
        required=False,  # the service says what is missing, in its own words
        max_length=_SLACK,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX}),
        help_text=_("What is difficult, what hurts, what is stuck? At most %(n)d characters.")
        % {"n": TEXT_MAX},
    )
    category = forms.ChoiceField(
        label=_("Kind of problem (optional)"),
        required=False,
        choices=[("", _("not sure")), *ProblemCategory.choices],
    )
    unit_q = forms.CharField(
        label=_("Place or unit it concerns"),
        required=False,
        max_length=50,
        help_text=_("Type part of its name and press “Find”."),
    )
    unit = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=400)
    contact_phone = forms.CharField(label=_("Phone (optional)"), required=False, max_length=400)
    contact_email = forms.CharField(label=_("Email (optional)"), required=False, max_length=400)

    field_order = [
        "text",
        "category",
        "unit_q",
        "unit",
        "contact_name",
        "contact_phone",
        "contact_email",
        "challenge_answer",
        "challenge_token",
        "website",
    ]


class StaffOpinionForm(StyledFormMixin, forms.Form):
    """An opinion taken by office staff from the hotline, a letter or a forum."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in OpinionChannel.choices if c[0] != OpinionChannel.WEB],
    )
    unit_code = forms.CharField(label=_("Unit concerned (unit code)"), max_length=64)
    text = forms.CharField(
        label=_("Opinion"), max_length=_SLACK, widget=forms.Textarea(attrs={"rows": 5})
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", "—"), *ProblemCategory.choices]
    )
    contact_name = forms.CharField(label=_("Name"), required=False, max_length=400)
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=400)
    contact_email = forms.CharField(label=_("Email"), required=False, max_length=400)


class TrackForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40)


class RatingForm(StyledFormMixin, ChallengeMixin):
    level = forms.ChoiceField(
        label=_("How satisfied are you with the result?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=_SLACK,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].widget.attrs["class"] = "form-check-input"


class OpinionFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Text or code"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *OpinionStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("all")), *OpinionChannel.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("all categories")), *ProblemCategory.choices],
    )


class ToProblemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Problem title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=ProblemCategory.choices)
    public_point = forms.ChoiceField(
        label=_("The public's point"), required=False, choices=[("", "—"), *PublicPoint.choices]
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM
    )
    unit_code = forms.CharField(
        label=_("Unit of the problem (unit code; empty: the opinion's unit)"),
        required=False,
        max_length=64,
    )
    is_public = forms.BooleanField(
        label=_("Show its rectification on the public results page"), required=False, initial=True
    )
    answer = forms.CharField(
        label=_("Public answer (optional)"),
        required=False,
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeForm(forms.Form):
    problem = forms.IntegerField(min_value=1)
    answer = forms.CharField(required=False, max_length=ANSWER_MAX)


class AnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Public answer"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing (the public sees it)"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
