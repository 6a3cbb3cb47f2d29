"""What the generated meeting report says, computed from the record (the templates in
``templates/meetings/report/`` turn it into Chinese or English text)."""

from __future__ import annotations

from typing import Any

from .models import Criticism, LifeMeeting, MeetingKind, MeetingProblem
from .selectors import checklist


def report_context(meeting: LifeMeeting) -> dict[str, Any]:
    participants = list(meeting.participants.select_related("member").order_by("order", "pk"))
    present = [p for p in participants if p.present is not False]
    absent = [p for p in participants if p.present is False]
    check = checklist(meeting)
    problems = list(
        MeetingProblem.objects.filter(meeting=meeting)
        .select_related("problem")
        .order_by("problem__pk")
    )
    return {
        "meeting": meeting,
        "is_democratic": meeting.kind == MeetingKind.DEMOCRATIC,
        "unit": meeting.unit.name,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "participants": participants,
        "present": present,
        "absent": absent,
        "guides": list(meeting.guides.select_related("user")),
        "study_sessions": check.study_sessions,
        "solicitations": check.solicitations,
        "opinions": check.opinions,
        "respondents": sum(s.respondents for s in meeting.solicitations.all()),
        "talks": meeting.talks.count(),
        "materials_approved": check.materials_approved,
        "self_criticisms": sum(1 for p in participants if p.self_criticism),
        "criticisms": Criticism.objects.filter(target__meeting=meeting).count(),
        "problems": [mp.problem for mp in problems],
    }
