"""One inbox per user: read/unread per item, filters by kind, the daily digest sent once, and
what the users of an administrator's units were told and whether they read it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.utils import timezone

from chuxin.core.models import Notification
from chuxin.core.notifications import Message, notify_many, send_daily_digests


def tell(user: Any, key: str, kind: str = "study_due", title: str = "请完成学习") -> None:
    notify_many([Message(user.pk, kind, title, "", "/study/me/", key)])


def test_read_unread_per_item_and_filters(world: Any) -> None:
    tell(world.member_user, "a", "study_due", "请完成必学篇目")
    tell(world.member_user, "b", "rectification.reminder", "整改任务即将到期")
    client = world.client_for(world.member_user)
    page = client.get("/inbox/").content.decode()
    assert "请完成必学篇目" in page and "整改任务即将到期" in page
    filtered = client.get("/inbox/?kind=study_due").content.decode()
    assert "请完成必学篇目" in filtered and "整改任务即将到期" not in filtered
    note = Notification.objects.get(dedupe_key="a")
    client.post("/inbox/", {"action": "read", "id": note.pk, "next": "/inbox/?unread=1"})
    note.refresh_from_db()
    assert note.read_at is not None
    unread = client.get("/inbox/?unread=1").content.decode()
    assert "请完成必学篇目" not in unread and "整改任务即将到期" in unread
    client.post("/inbox/", {"action": "unread", "id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None
    # Someone else's notification cannot be touched, and nonsense ids change nothing.
    other = world.client_for(world.office)
    other.post("/inbox/", {"action": "read", "id": note.pk})
    other.post("/inbox/", {"action": "read", "id": "x"})
    note.refresh_from_db()
    assert note.read_at is None
    client.post("/inbox/", {"action": "all_read"})
    assert not Notification.objects.filter(user=world.member_user, read_at__isnull=True).exists()


def test_daily_digest_is_sent_once(world: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATION_EMAIL = True
    user = world.member_user
    user.email = "li@example.org"
    user.save()
    client = world.client_for(user)
    client.post("/inbox/", {"action": "digest", "daily_digest": "on"})
    user.refresh_from_db()
    assert user.daily_digest
    tell(user, "one", title="第一条")
    tell(user, "two", title="第二条")
    assert mail.outbox == []  # no email each: they wait for the digest
    today = timezone.localdate()
    assert send_daily_digests(today) == 1
    assert len(mail.outbox) == 1
    assert "第一条" in mail.outbox[0].body and "第二条" in mail.outbox[0].body
    tell(user, "three", title="第三条")
    assert send_daily_digests(today) == 0  # once a day
    assert len(mail.outbox) == 1
    assert send_daily_digests(today + dt.timedelta(days=1)) == 1
    assert "第三条" in mail.outbox[1].body and "第一条" not in mail.outbox[1].body
    assert send_daily_digests(today + dt.timedelta(days=2)) == 0  # nothing new
    client.post("/inbox/", {"action": "digest"})
    user.refresh_from_db()
    assert not user.daily_digest


def test_administrators_see_what_their_units_users_were_told(world: Any) -> None:
    tell(world.member_user, "m1", title="支部学习提醒")
    tell(world.other_county_admin, "o1", title="中山区整改提醒")
    Notification.objects.filter(dedupe_key="m1").update(read_at=timezone.now())
    city = world.client_for(world.city_admin).get("/inbox/?view=team").content.decode()
    assert "支部学习提醒" in city and "member_user" in city and "中山区整改提醒" not in city
    office = world.client_for(world.office).get("/inbox/?view=team").content.decode()
    assert "支部学习提醒" in office and "中山区整改提醒" in office
    member = world.client_for(world.member_user).get("/inbox/?view=team").content.decode()
    assert "中山区整改提醒" not in member and "支部学习提醒" not in member


def test_inbox_query_bound(world: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(20):
        tell(world.member_user, f"k{i}", kind=f"kind{i % 3}")
    client = world.client_for(world.office)
    for i in range(5):
        tell(world.office, f"o{i}")
    with django_assert_max_num_queries(10):
        assert client.get("/inbox/?view=team").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/inbox/").status_code == 200
    assert world.client_for(None).get("/inbox/").status_code == 302
