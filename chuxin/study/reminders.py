"""Daily study reminders: items due within 7 days that a member has not done, and make-up
study owed for a missed session. Each reminder goes to a member once (by its dedupe key)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chuxin.core.notifications import Message, notify_many
from chuxin.organization.models import Member

from .models import MemberStudyProgress, SessionAttendance, StudyItem
from .progress import contains_item, text_ids

DUE_WITHIN_DAYS = 7


def _language(user_language: str) -> str:
    return user_language or "zh-hans"


@transaction.atomic
def study_reminders_send(*, on: dt.date | None = None) -> int:
    """Notify members with items due within 7 days and members owing make-up study.
    Returns how many new notifications were created (0 when run again the same day)."""
    today = on or timezone.localdate()
    url = reverse("study:me")
    messages: list[Message] = []
    due_items = StudyItem.objects.filter(
        in_force=True,
        archived_at__isnull=True,
        due_date__gte=today,
        due_date__lte=today + dt.timedelta(days=DUE_WITHIN_DAYS),
    )
    for item in due_items:
        rows = (
            MemberStudyProgress.objects.filter(
                contains_item("owed_list", item.pk),
                active=True,
                member__user__isnull=False,
            )
            .values_list("member__user_id", "member__user__preferred_language")
            .iterator(chunk_size=2000)
        )
        for user_id, language in rows:
            with translation.override(_language(language)):
                messages.append(
                    Message(
                        user_id=user_id,
                        kind="study_due",
                        title=_("Study due by %(d)s: %(t)s")
                        % {
                            "d": item.due_date.isoformat() if item.due_date else "",
                            "t": item.title,
                        },
                        body=_("“%(t)s” is required of you and not yet done.") % {"t": item.title},
                        url=url,
                        dedupe_key=f"study:due:{item.pk}",
                    )
                )
    owing = MemberStudyProgress.objects.filter(
        active=True, makeup_owed__gt=0, member__user__isnull=False
    ).values_list("member_id", "makeup_list")
    makeup_items = {member_id: set(text_ids(text)) for member_id, text in owing}
    if makeup_items:
        users = dict(Member.objects.filter(pk__in=list(makeup_items)).values_list("pk", "user_id"))
        languages = dict(
            Member.objects.filter(pk__in=list(makeup_items)).values_list(
                "pk", "user__preferred_language"
            )
        )
        absences = SessionAttendance.objects.filter(
            member_id__in=list(makeup_items),
            present=False,
            session__archived_at__isnull=True,
        ).values_list(
            "member_id", "session_id", "session__item_id", "session__item__title", "session__date"
        )
        for member_id, session_id, item_id, title, date in absences:
            if item_id not in makeup_items[member_id]:
                continue
            with translation.override(_language(languages.get(member_id) or "")):
                messages.append(
                    Message(
                        user_id=users[member_id],
                        kind="study_makeup",
                        title=_("Make-up study owed: %(t)s") % {"t": title},
                        body=_("You missed the session of %(d)s; record your make-up study.")
                        % {"d": date.isoformat()},
                        url=url,
                        dedupe_key=f"study:makeup:{session_id}",
                    )
                )
    return len(notify_many(messages))
