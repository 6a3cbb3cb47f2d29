"""Reminders: due within 7 days, make-up owed; in the inbox and by email; never twice."""

from __future__ import annotations

import datetime as dt
import io

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from chuxin.core.models import Notification
from chuxin.study import services
from chuxin.study.reminders import study_reminders_send
from chuxin.study.tasks import send_study_reminders

from .conftest import StudyWorld


@override_settings(NOTIFICATION_EMAIL=True)
def test_due_and_makeup_reminders_once(
    study_world: StudyWorld, django_capture_on_commit_callbacks
) -> None:
    sw = study_world
    sw.member_user.email = "liming@example.org"
    sw.member_user.save()
    # 学习党章 is due in 5 days and 李明 has not done it.
    with django_capture_on_commit_callbacks(execute=True):
        assert study_reminders_send() == 1
    note = Notification.objects.get(user=sw.member_user)
    assert note.kind == "study_due" and "学习党章" in note.title and note.url == "/study/me/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["liming@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        assert study_reminders_send() == 0  # nobody gets the same reminder twice
    assert len(mail.outbox) == 1
    services.study_session_record(
        actor=sw.city_admin,
        unit=sw.branch_a,
        item=sw.reading,
        date=timezone.localdate() - dt.timedelta(days=1),
        host="书记",
        absent={sw.member.pk: "出差"},
    )
    assert study_reminders_send() == 1
    assert Notification.objects.filter(user=sw.member_user, kind="study_makeup").count() == 1
    assert study_reminders_send() == 0
    # Not due within 7 days: nothing for the lecture (due in 20 days).
    assert not Notification.objects.filter(title__contains="专题党课").exists()


def test_task_and_command(study_world: StudyWorld) -> None:
    sw = study_world
    later = services.study_item_create(
        actor=sw.office,
        campaign=sw.campaign,
        title="四中全会精神",
        kind="lecture",
        required_levels=["ordinary"],
        applies_from=timezone.localdate() + dt.timedelta(days=1),
    )
    result = send_study_reminders.enqueue()
    assert result.return_value == 1  # the immediate backend in tests
    out = io.StringIO()
    call_command("send_study_reminders", stdout=out)
    assert "0 reminder(s) sent" in out.getvalue()
    later.refresh_from_db()
    assert not later.in_force


def test_inbox_page(study_world: StudyWorld) -> None:
    sw = study_world
    study_reminders_send()
    client = sw.client_for(sw.member_user)
    page = client.get("/inbox/").content.decode()
    assert "学习党章" in page
    assert client.post("/inbox/").status_code == 302
    assert not Notification.objects.filter(user=sw.member_user, read_at__isnull=True).exists()
    assert sw.client_for(None).get("/inbox/").status_code == 302
