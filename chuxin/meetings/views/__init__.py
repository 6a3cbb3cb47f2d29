"""Pages of life meetings: the lists and the office's overview of any subtree (``lists``); a
meeting through every stage: the meeting page, planning, participants (``meetings``); the
preparation: opinions, talk matrix, checking materials and their review (``preparation``);
the record, follow-up, report and rating (``records``). ``urls.py`` routes to the names
exported here."""

from .lists import home, mine, overview, settings, unit_ics, unit_meetings
from .meetings import (
    detail,
    guide_add,
    meeting_create,
    meeting_edit,
    participant_add,
    participant_remove,
    study_link,
    transition,
)
from .preparation import (
    material,
    material_review,
    material_submit,
    opinion_problem,
    override,
    participant_material,
    solicitation_add,
    talks,
)
from .records import followup, hold, rate, record, report

__all__ = [
    "detail",
    "followup",
    "guide_add",
    "hold",
    "home",
    "material",
    "material_review",
    "material_submit",
    "meeting_create",
    "meeting_edit",
    "mine",
    "opinion_problem",
    "override",
    "overview",
    "participant_add",
    "participant_material",
    "participant_remove",
    "rate",
    "record",
    "report",
    "settings",
    "solicitation_add",
    "study_link",
    "talks",
    "transition",
    "unit_ics",
    "unit_meetings",
]
