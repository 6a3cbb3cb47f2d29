"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

T = TypeVar("T")


class StyledFormMixin:
    """Gives every widget Bootstrap's class, so templates render fields without inline style."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def add_validation_errors(
    form: forms.BaseForm, exc: ValidationError, field_map: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one
    (``field_map`` renames a service's field to the form's), above the form otherwise."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        name = (field_map or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def run_form(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    success: str | Callable[[T], str] | None,
    redirect_to: str | Callable[[T], str],
    field_map: dict[str, str] | None = None,
) -> HttpResponse | None:
    """The write half of a form page: on a POST whose form is valid, call ``action`` with a
    copy of the cleaned data (the one service call, plus any lookups that may reject input),
    add the ``success`` message and answer a redirect to ``redirect_to`` (a URL or a view
    name, or a function of what ``action`` returned).

    Answers None, for the view to render the form again with the status it chooses, on a GET,
    when the form is invalid, or when ``action`` raises a ValidationError: its messages are then
    on the form (see ``add_validation_errors``) and nothing was written or redirected."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(dict(form.cleaned_data))
    except ValidationError as exc:
        add_validation_errors(form, exc, field_map)
        return None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def error_messages(request: HttpRequest, exc: ValidationError, form: Any = None) -> None:
    """A service's errors as messages, one each, naming the form's field where there is one."""
    items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
    for name, errors in items:
        label = ""
        if form is not None and name in getattr(form, "fields", {}):
            label = str(form[name].label)  # the field's label, or its name made readable
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def run_action(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    success: str,
    redirect_to: str,
    form: Any = None,
) -> HttpResponse:
    """The service behind a button (no form page of its own): call it, say ``success`` or its
    errors as messages, and go back to ``redirect_to`` either way."""
    try:
        call()
    except ValidationError as exc:
        error_messages(request, exc, form)
    else:
        messages.success(request, success)
    return redirect(redirect_to)
