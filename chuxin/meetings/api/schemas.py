"""The typed input and output schemas of the life meetings API (the OpenAPI components)."""

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Field, FilterSchema, Schema

from chuxin.problems.models import ProblemCategory, Severity
from chuxin.rectification.models import TaskType

from .. import selectors
from ..models import (
    CheckingMaterial,
    LifeMeeting,
    MaterialReview,
    MaterialStatus,
    MeetingKind,
    MeetingStatus,
    OpinionMethod,
    Participant,
    ReviewDecision,
    Solicitation,
)


class MeetingOut(Schema):
    id: int
    campaign_id: int
    unit_id: int
    unit: str = Field(alias="unit.name")
    kind: MeetingKind
    theme: str
    planned_on: dt.date
    status: MeetingStatus
    held_on: dt.date | None
    place: str
    report_due_days: int | None
    report_due_on: dt.date | None
    report_submitted_on: dt.date | None
    late: bool

    @staticmethod
    def resolve_late(obj: LifeMeeting) -> bool:
        return obj.late_on(timezone.localdate())


class ParticipantOut(Schema):
    id: int
    member_id: int
    name: str = Field(alias="member.name")
    material_status: str | None

    @staticmethod
    def resolve_material_status(obj: Participant) -> str | None:
        material = selectors._material_or_none(obj)
        return None if material is None else material.status


class GuideOut(Schema):
    user_id: int
    username: str = Field(alias="user.username")
    title: str


class ChecklistOut(Schema):
    study_sessions: int
    solicitations: int
    opinions: int
    talk_pairs: int
    talks_missing: int
    participants: int
    materials_approved: int
    override: bool
    gate_open: bool


class OverrideOut(Schema):
    by: str | None
    at: dt.datetime | None
    reason: str


class MeetingDetailOut(MeetingOut):
    participants: list[ParticipantOut]
    guides: list[GuideOut]
    study_session_ids: list[int]
    checklist: ChecklistOut
    override: OverrideOut
    problem_ids: list[int]
    ratings: list["RatingOut"]

    @staticmethod
    def resolve_participants(obj: LifeMeeting) -> Any:
        return obj.participants.all()

    @staticmethod
    def resolve_guides(obj: LifeMeeting) -> Any:
        return obj.guides.all()

    @staticmethod
    def resolve_study_session_ids(obj: LifeMeeting) -> list[int]:
        return [s.pk for s in obj.study_sessions.all()]

    @staticmethod
    def resolve_checklist(obj: LifeMeeting) -> Any:
        return selectors.checklist(obj)

    @staticmethod
    def resolve_override(obj: LifeMeeting) -> dict[str, Any]:
        return {
            "by": obj.override_by.username if obj.override_by else None,
            "at": obj.override_at,
            "reason": obj.override_reason,
        }

    @staticmethod
    def resolve_problem_ids(obj: LifeMeeting) -> list[int]:
        return list(obj.problems.values_list("pk", flat=True))

    @staticmethod
    def resolve_ratings(obj: LifeMeeting) -> Any:
        return obj.ratings.all()


class MeetingIn(Schema):
    campaign_id: int
    unit_id: int
    kind: MeetingKind
    theme: str = Field(min_length=1, max_length=300)
    planned_on: dt.date
    report_due_days: int | None = Field(None, ge=1, le=365)
    member_ids: list[int] = Field(default_factory=list)


class MeetingPatch(Schema):
    theme: str | None = Field(None, min_length=1, max_length=300)
    planned_on: dt.date | None = None
    report_due_days: int | None = Field(None, ge=1, le=365)


class MeetingFilterIn(FilterSchema):
    unit: int | None = Field(None, description="meetings of this unit's subtree")
    status: MeetingStatus | None = None
    kind: MeetingKind | None = None
    campaign: int | None = None
    late: bool = False
    q: str = ""


class TransitionIn(Schema):
    action: str = Field(description="prepare, ready, unready, archive")
    reason: str = Field("", max_length=2000)


class ParticipantIn(Schema):
    member_id: int


class GuideIn(Schema):
    user_id: int
    title: str = Field("", max_length=200)


class StudyIn(Schema):
    session_id: int


class OpinionOut(Schema):
    id: int
    text: str
    problem_id: int | None


class SolicitationOut(Schema):
    id: int
    method: OpinionMethod
    held_on: dt.date
    respondents: int
    opinions: list[OpinionOut]

    @staticmethod
    def resolve_opinions(obj: Solicitation) -> Any:
        return obj.opinions.all()


class SolicitationIn(Schema):
    method: OpinionMethod
    held_on: dt.date
    respondents: int = Field(ge=0)
    opinions: list[str] = Field(default_factory=list)


class OpinionProblemIn(Schema):
    category: ProblemCategory
    title: str = Field("", max_length=200)
    severity: Severity = Severity.MEDIUM


class ProblemRefOut(Schema):
    id: int
    code: str
    title: str
    source: str
    task_ids: list[int] = Field(default_factory=list)


class TalkOut(Schema):
    id: int
    first_id: int
    second_id: int
    talked_on: dt.date
    note: str | None = None


class TalkIn(Schema):
    first_id: int
    second_id: int
    talked_on: dt.date
    note: str = ""


class PairOut(Schema):
    first_id: int
    second_id: int


class TalksOut(Schema):
    participants: int
    pairs: int
    missing: list[PairOut]
    talks: list[TalkOut]


class VersionOut(Schema):
    id: int
    number: int
    text: str
    created_at: dt.datetime


class ReviewOut(Schema):
    id: int
    material_id: int
    version_number: int = Field(alias="version.number")
    decision: ReviewDecision
    comments: str
    reviewer: str | None
    reviewed_at: dt.datetime

    @staticmethod
    def resolve_reviewer(obj: MaterialReview) -> str | None:
        return obj.reviewer.username if obj.reviewer else None


class MaterialOut(Schema):
    id: int
    participant_id: int
    name: str = Field(alias="participant.member.name")
    status: MaterialStatus
    versions: list[VersionOut]
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_versions(obj: CheckingMaterial) -> Any:
        return obj.versions.order_by("number")

    @staticmethod
    def resolve_reviews(obj: CheckingMaterial) -> Any:
        return obj.reviews.select_related("version", "reviewer").order_by("reviewed_at", "pk")


class MaterialIn(Schema):
    text: str = Field(min_length=1)


class ReviewIn(Schema):
    decision: ReviewDecision
    comments: str = ""


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class AbsenceIn(Schema):
    participant_id: int
    reason: str = Field(min_length=1, max_length=200)


class HoldIn(Schema):
    held_on: dt.date
    place: str = Field(min_length=1, max_length=200)
    absences: list[AbsenceIn] = Field(default_factory=list)


class CriticismOut(Schema):
    id: int
    critic_id: int | None
    critic_name: str
    text: str


class RecordOut(Schema):
    participant_id: int
    name: str
    present: bool | None
    absence_reason: str
    self_criticism: str
    response: str
    criticisms: list[CriticismOut]


class RecordPatch(Schema):
    present: bool | None = None
    absence_reason: str | None = Field(None, max_length=200)
    self_criticism: str | None = None
    response: str | None = None


class CriticismIn(Schema):
    text: str = Field(min_length=1)
    critic_id: int | None = None
    critic_name: str = Field("", max_length=100)


class FollowupIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    category: ProblemCategory
    description: str = ""
    severity: Severity = Severity.MEDIUM
    task_title: str = Field("", max_length=200)
    time_limit: dt.date | None = None
    task_type: TaskType = TaskType.TIME_LIMITED


class ReportOut(Schema):
    meeting_id: int
    text: str
    due_on: dt.date | None
    submitted_on: dt.date | None
    late: bool


class ReportIn(Schema):
    text: str = Field(min_length=1)


class GenerateIn(Schema):
    language: str = Field("zh-hans", pattern="^(zh-hans|en)$")


class RatingOut(Schema):
    rating: int
    comment: str
    rated_by: str = Field(alias="rated_by.username")
    rated_at: dt.datetime


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = ""


class OverviewLineOut(Schema):
    unit_id: int
    unit: str
    planned: int
    preparing: int
    ready: int
    held: int
    reported: int
    reported_late: int


class OverviewOut(Schema):
    total: OverviewLineOut
    units: list[OverviewLineOut]
    late_meeting_ids: list[int]


class SettingsIn(Schema):
    report_due_days: int = Field(ge=1, le=365)
    remind_days_before: int | None = Field(None, ge=0, le=60)


class SettingsOut(Schema):
    campaign_id: int
    report_due_days: int
    remind_days_before: int


MeetingDetailOut.model_rebuild()
