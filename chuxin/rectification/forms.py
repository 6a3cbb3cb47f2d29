"""Forms of the rectification pages: list filters, the task editor, and the inline forms of
the task page (stage objective, progress update, status change)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chuxin.core.forms import StyledFormMixin
from chuxin.problems.models import ProblemCategory, ProblemSource

from .models import TaskStatus, TaskType


class TaskFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Title or number"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all")), *TaskStatus.choices]
    )
    task_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("all types")), *TaskType.choices]
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("all sources")), *ProblemSource.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("all categories")), *ProblemCategory.choices],
    )
    due = forms.ChoiceField(
        label=_("Time limit"),
        required=False,
        choices=[
            ("", _("all")),
            ("overdue", _("overdue")),
            ("soon", _("due within 7 days")),
        ],
    )


class TaskForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    direction = forms.CharField(
        label=_("Direction / goal (what “rectified” means)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    measures = forms.CharField(
        label=_("Work measures (one per line, in order)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    task_type = forms.ChoiceField(
        label=_("Type"), choices=TaskType.choices, initial=TaskType.TIME_LIMITED
    )
    time_limit = forms.DateField(
        label=_("Time limit"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    leader_number = forms.CharField(
        label=_("Responsible leader (member number of a leading cadre)"),
        required=False,
        max_length=40,
    )
    person_number = forms.CharField(
        label=_("Responsible person (member number)"), required=False, max_length=40
    )
    co_unit_codes = forms.CharField(
        label=_("Co-operating units (unit codes, comma-separated)"),
        required=False,
        max_length=1000,
    )
    note = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ObjectiveForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Stage objective"), max_length=300)
    due_on = forms.DateField(
        label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProgressForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(
        label=_("Percent done (leave empty to follow the stage objectives)"),
        required=False,
        min_value=0,
        max_value=100,
    )
    evidence = MultipleFileField(label=_("Evidence (images, PDF, office files)"), required=False)


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=20)
    reason = forms.CharField(required=False, max_length=2000)


class WebhookForm(StyledFormMixin, forms.Form):
    url = forms.CharField(
        label=_("Address (URL)"),
        max_length=500,
        help_text=_("Where reminders and escalations are POSTed as signed JSON."),
    )
    active = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
