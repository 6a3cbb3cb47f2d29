"""Forms of the life meeting pages. They parse input; the services validate the domain."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin
from chuxin.organization.models import Campaign, Member
from chuxin.problems.models import ProblemCategory, Severity
from chuxin.rectification.models import TaskType
from chuxin.study.models import StudySession

from .models import MeetingKind, MeetingStatus, OpinionMethod, Participant, ReviewDecision

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(StyledFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    theme = forms.CharField(label=_("Theme"), max_length=300)
    planned_on = forms.DateField(label=_("Planned date"), widget=DATE)
    report_due_days = forms.IntegerField(
        label=_("Report due within (days, optional)"), required=False, min_value=1, max_value=365
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, campaigns: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
        self.fields["members"].widget.attrs["class"] = "form-check-input"
        first = campaigns.first()
        if first is not None:
            self.fields["campaign"].initial = first.pk


class MeetingEditForm(StyledFormMixin, forms.Form):
    theme = forms.CharField(label=_("Theme"), max_length=300)
    planned_on = forms.DateField(label=_("Planned date"), widget=DATE)
    report_due_days = forms.IntegerField(
        label=_("Report due within (days, optional)"), required=False, min_value=1, max_value=365
    )


class FilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *MeetingStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all")), *MeetingKind.choices]
    )
    late = forms.BooleanField(label=_("Late reports only"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class ParticipantForm(StyledFormMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class GuideForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    title = forms.CharField(label=_("Position"), max_length=200, required=False)


class StudyLinkForm(StyledFormMixin, forms.Form):
    session = forms.ModelChoiceField(label=_("Study session"), queryset=StudySession.objects.none())

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]


class SolicitationForm(StyledFormMixin, forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=OpinionMethod.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    respondents = forms.IntegerField(label=_("People asked"), min_value=0, max_value=1_000_000)
    opinions = forms.CharField(
        label=_("Opinions received (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class OpinionProblemForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=ProblemCategory.choices)


class TalkForm(StyledFormMixin, forms.Form):
    first = forms.ModelChoiceField(label=_("Participant"), queryset=Participant.objects.none())
    second = forms.ModelChoiceField(label=_("Talked with"), queryset=Participant.objects.none())
    talked_on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, participants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            field = self.fields[name]
            field.queryset = participants  # type: ignore[attr-defined]
            field.label_from_instance = lambda p: p.member.name  # type: ignore[attr-defined]
        self.fields["talked_on"].initial = timezone.localdate()


class MaterialForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Checking material"), widget=forms.Textarea(attrs={"rows": 10}))


class ReviewForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    comments = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class HoldForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class RecordForm(StyledFormMixin, forms.Form):
    present = forms.BooleanField(label=_("Present"), required=False)
    absence_reason = forms.CharField(label=_("Reason for absence"), max_length=200, required=False)
    self_criticism = forms.CharField(
        label=_("Self-criticism points"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    response = forms.CharField(
        label=_("Response to the criticisms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CriticismForm(StyledFormMixin, forms.Form):
    critic = forms.ModelChoiceField(
        label=_("From (participant)"),
        queryset=Participant.objects.none(),
        required=False,
    )
    critic_name = forms.CharField(label=_("Or from (name)"), max_length=100, required=False)
    text = forms.CharField(label=_("Criticism"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, participants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["critic"]
        field.queryset = participants  # type: ignore[attr-defined]
        field.label_from_instance = lambda p: p.member.name  # type: ignore[attr-defined]


class FollowupForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Problem"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=ProblemCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial="medium")
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    task_title = forms.CharField(
        label=_("Rectification task (optional)"), max_length=200, required=False
    )
    task_type = forms.ChoiceField(
        label=_("Task type"), choices=TaskType.choices, initial=TaskType.TIME_LIMITED
    )
    time_limit = forms.DateField(label=_("Time limit"), required=False, widget=DATE)


class ReportForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 16}))


class RatingForm(StyledFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Quality"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
