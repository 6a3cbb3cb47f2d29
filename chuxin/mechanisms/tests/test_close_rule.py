"""A task of type long-term can only be closed when linked to a mechanism or with a reason;
other task types are not affected. Through the service, the task page's verify form and the
API's transition endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from chuxin.core.services import api_token_issue
from chuxin.mechanisms import services
from chuxin.rectification import services as task_services
from chuxin.rectification.models import RectificationTask

from .conftest import MechWorld

pytestmark = pytest.mark.django_db


def _status(task: RectificationTask) -> str:
    task.refresh_from_db()
    return task.status


def test_long_term_task_without_mechanism_or_reason_is_not_closed(mw: MechWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        task_services.task_transition(actor=mw.city_admin, task=mw.long_task, action="accept")
    assert "reason" in exc.value.message_dict
    assert _status(mw.long_task) == "submitted"
    assert not mw.long_task.events.filter(action="accept").exists()


def test_long_term_task_closes_with_a_reason_kept_on_the_record(mw: MechWorld) -> None:
    task_services.task_transition(
        actor=mw.city_admin, task=mw.long_task, action="accept", reason="已纳入年度考核常态管理"
    )
    assert _status(mw.long_task) == "verified"
    event = mw.long_task.events.get(action="accept")
    assert event.reason == "已纳入年度考核常态管理"


def test_long_term_task_closes_when_linked_to_a_mechanism(mw: MechWorld) -> None:
    mw.mechanism.tasks.add(mw.long_task)
    task_services.task_transition(actor=mw.city_admin, task=mw.long_task, action="accept")
    assert _status(mw.long_task) == "verified"


def test_an_archived_mechanism_does_not_count(mw: MechWorld) -> None:
    mw.mechanism.tasks.add(mw.long_task)
    services.mechanism_archive(actor=mw.city_admin, mechanism=mw.mechanism)
    with pytest.raises(ValidationError):
        task_services.task_transition(actor=mw.city_admin, task=mw.long_task, action="accept")
    assert _status(mw.long_task) == "submitted"


def test_a_mechanism_number_given_on_closing_links_it(mw: MechWorld) -> None:
    versions = mw.mechanism.history.count()
    task_services.task_transition(
        actor=mw.city_admin,
        task=mw.long_task,
        action="accept",
        links={"mechanism": mw.mechanism.code, "ignored": "x"},
    )
    assert _status(mw.long_task) == "verified"
    assert list(mw.mechanism.tasks.all()) == [mw.long_task]
    # The link is in the mechanism's audit trail.
    assert mw.mechanism.history.count() == versions + 1
    latest = mw.mechanism.history.order_by("-history_id").first()
    assert latest is not None
    assert [t.rectificationtask_id for t in latest.tasks.all()] == [mw.long_task.pk]


def test_an_unknown_or_unseen_mechanism_number_refuses_and_links_nothing(mw: MechWorld) -> None:
    with pytest.raises(ValidationError):
        task_services.task_transition(
            actor=mw.city_admin, task=mw.long_task, action="accept", links={"mechanism": "JZ-0"}
        )
    assert _status(mw.long_task) == "submitted"
    assert not mw.mechanism.tasks.exists()


def test_other_task_types_are_not_affected(mw: MechWorld) -> None:
    task_services.task_transition(actor=mw.city_admin, task=mw.task, action="submit")
    task_services.task_transition(actor=mw.city_admin, task=mw.task, action="accept")
    assert _status(mw.task) == "verified"


def test_other_transitions_of_a_long_term_task_are_not_affected(mw: MechWorld) -> None:
    task_services.task_transition(
        actor=mw.city_admin, task=mw.long_task, action="return", reason="材料不全"
    )
    assert _status(mw.long_task) == "returned"


def test_the_verify_form_on_the_task_page(mw: MechWorld) -> None:
    client = mw.client_for(mw.city_admin)
    url = f"/rectification/tasks/{mw.long_task.pk}/transition/"
    page = client.get(f"/rectification/tasks/{mw.long_task.pk}/").content.decode()
    assert 'name="mechanism"' in page
    refused = client.post(url, {"action": "accept", "reason": ""})
    assert "linked to a long-term mechanism or with a reason" in refused.content.decode()
    assert _status(mw.long_task) == "submitted"
    client.post(url, {"action": "accept", "mechanism": mw.mechanism.code})
    assert _status(mw.long_task) == "verified"
    assert mw.mechanism.tasks.filter(pk=mw.long_task.pk).exists()


def test_the_api_transition_endpoint(mw: MechWorld) -> None:
    _token, raw = api_token_issue(actor=mw.city_admin, user=mw.city_admin)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/v1/rectification/tasks/{mw.long_task.pk}/transition"

    def post(body: dict[str, Any]) -> Any:
        return client.post(url, data=json.dumps(body), content_type="application/json")

    assert post({"action": "accept"}).status_code == 422
    assert _status(mw.long_task) == "submitted"
    response = post({"action": "accept", "links": {"mechanism": mw.mechanism.code}})
    assert response.status_code == 200, response.content
    assert _status(mw.long_task) == "verified"
