"""run_form: the write half of every form page (valid → one service call, a message, a
redirect; invalid input or a service's refusal → the errors on the form, nothing else)."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import RequestFactory

from chuxin.core.forms import run_action, run_form


class WorkForm(forms.Form):
    title = forms.CharField(max_length=20)
    unit_code = forms.CharField(required=False)


class Thing:
    def __init__(self, pk: int) -> None:
        self.pk = pk


def _post(data: dict[str, str]) -> HttpRequest:
    request = RequestFactory().post("/somewhere/", data)
    request._messages = CookieStorage(request)
    return request


def _messages(request: HttpRequest) -> list[str]:
    return [str(m) for m in get_messages(request)]


def test_valid_form_calls_the_service_once_adds_the_message_and_redirects() -> None:
    request = _post({"title": "Visit", "unit_code": "C1"})
    form = WorkForm(request.POST)
    action = mock.Mock(return_value=Thing(7))

    response = run_form(
        request,
        form,
        action,
        success=lambda thing: f"Thing {thing.pk} recorded.",
        redirect_to=lambda thing: f"/things/{thing.pk}/",
    )

    action.assert_called_once_with({"title": "Visit", "unit_code": "C1"})
    assert response is not None
    assert response.status_code == 302 and response["Location"] == "/things/7/"
    assert _messages(request) == ["Thing 7 recorded."]


def test_action_gets_a_copy_of_the_cleaned_data() -> None:
    request = _post({"title": "Visit", "unit_code": "C1"})
    form = WorkForm(request.POST)

    def pop_code(data: dict[str, Any]) -> None:
        data.pop("unit_code")

    run_form(request, form, pop_code, success="Done.", redirect_to="/done/")

    assert form.cleaned_data["unit_code"] == "C1"


def test_a_fixed_message_and_a_view_name_as_the_target() -> None:
    request = _post({"title": "Visit"})
    response = run_form(
        request, WorkForm(request.POST), lambda data: None, success="Saved.", redirect_to="healthz"
    )
    assert response is not None and response["Location"] == "/healthz"
    assert _messages(request) == ["Saved."]


def test_no_message_when_success_is_none() -> None:
    request = _post({"title": "Visit"})
    response = run_form(
        request, WorkForm(request.POST), lambda data: 1, success=None, redirect_to="/runs/"
    )
    assert response is not None and response["Location"] == "/runs/"
    assert _messages(request) == []


def test_invalid_form_does_not_call_the_service() -> None:
    request = _post({"title": "x" * 21})
    form = WorkForm(request.POST)
    action = mock.Mock()

    response = run_form(request, form, action, success="Saved.", redirect_to="/done/")

    assert response is None
    action.assert_not_called()
    assert "title" in form.errors
    assert _messages(request) == []


def test_get_does_not_call_the_service_even_with_a_bound_valid_form() -> None:
    request = RequestFactory().get("/somewhere/", {"title": "Visit"})
    form = WorkForm(request.GET)
    action = mock.Mock()

    assert run_form(request, form, action, success="Saved.", redirect_to="/done/") is None
    action.assert_not_called()


def test_unbound_form_on_post_is_not_submitted() -> None:
    request = _post({})
    form = WorkForm(None)
    action = mock.Mock()

    assert run_form(request, form, action, success="Saved.", redirect_to="/done/") is None
    action.assert_not_called()
    assert not form.errors


def test_service_validation_error_lands_on_the_form_and_nothing_is_redirected() -> None:
    request = _post({"title": "Visit", "unit_code": "NOPE"})
    form = WorkForm(request.POST)
    success = mock.Mock(return_value="never")
    redirect_to = mock.Mock(return_value="/never/")

    def refuse(data: dict[str, Any]) -> None:
        raise ValidationError({"unit": "Unknown unit code: NOPE", "time_limit": "Too late."})

    response = run_form(
        request,
        form,
        refuse,
        success=success,
        redirect_to=redirect_to,
        field_map={"unit": "unit_code"},
    )

    assert response is None
    assert form.errors["unit_code"] == ["Unknown unit code: NOPE"]
    # a field the form does not have: above the form
    assert form.non_field_errors() == ["Too late."]
    success.assert_not_called()
    redirect_to.assert_not_called()
    assert _messages(request) == []


def test_a_message_without_a_field_goes_above_the_form() -> None:
    request = _post({"title": "Visit"})
    form = WorkForm(request.POST)

    def refuse(data: dict[str, Any]) -> None:
        raise ValidationError("The release is published.")

    assert run_form(request, form, refuse, success="Saved.", redirect_to="/done/") is None
    assert form.non_field_errors() == ["The release is published."]


def test_other_errors_are_not_swallowed() -> None:
    request = _post({"title": "Visit"})

    def crash(data: dict[str, Any]) -> None:
        raise LookupError("no such unit")

    with pytest.raises(LookupError):
        run_form(request, WorkForm(request.POST), crash, success="Saved.", redirect_to="/done/")
    assert _messages(request) == []


def test_run_action_says_success_and_goes_back() -> None:
    request = _post({})
    call = mock.Mock()
    response = run_action(request, call, success="Published.", redirect_to="/things/7/")
    call.assert_called_once_with()
    assert response.status_code == 302 and response["Location"] == "/things/7/"
    assert _messages(request) == ["Published."]


def test_run_action_says_each_error_naming_the_field_and_goes_back() -> None:
    request = _post({})
    form = WorkForm()

    def refuse() -> None:
        raise ValidationError({"title": ["Too late.", "Frozen."], "other": ["Not yours."]})

    response = run_action(request, refuse, success="Published.", redirect_to="/back/", form=form)
    assert response.status_code == 302 and response["Location"] == "/back/"
    assert _messages(request) == ["Title: Too late.", "Title: Frozen.", "Not yours."]


def test_run_action_lets_other_errors_through() -> None:
    def boom() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        run_action(_post({}), boom, success="x", redirect_to="/")
