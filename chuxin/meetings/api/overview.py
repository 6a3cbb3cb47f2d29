"""A campaign's life meeting settings and a subtree's overview, through the API."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from chuxin.organization import selectors as org_selectors

from .. import selectors, services
from ..models import MeetingSettings
from .schemas import OverviewOut, SettingsIn, SettingsOut

router = Router()


# --- Settings -------------------------------------------------------------------------------


@router.get("/campaigns/{campaign_id}/settings", response=SettingsOut)
def settings_get(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """Within how many days of holding a meeting its report is due (the campaign's default;
    a meeting's own ``report_due_days`` wins), and how many days before that the unit is
    reminded."""
    campaign = org_selectors.campaign_get(request.user, campaign_id)
    return _settings_out(services.settings_of(campaign))


@router.put("/campaigns/{campaign_id}/settings", response=SettingsOut)
def settings_put(request: HttpRequest, campaign_id: int, payload: SettingsIn) -> dict[str, Any]:
    campaign = org_selectors.campaign_get(request.user, campaign_id)
    row = services.settings_set(
        actor=request.user,
        campaign=campaign,
        report_due_days=payload.report_due_days,
        remind_days_before=payload.remind_days_before,
    )
    return _settings_out(row)


def _settings_out(row: MeetingSettings) -> dict[str, Any]:
    return {
        "campaign_id": row.campaign_id,
        "report_due_days": row.report_due_days,
        "remind_days_before": row.remind_days_before,
    }


# --- Overview -------------------------------------------------------------------------------


@router.get("/units/{unit_id}/overview", response=OverviewOut)
def unit_overview(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    """The subtree's meetings by status (maintained counters), per sub-unit, and the late."""
    unit = org_selectors.unit_get(request.user, unit_id)
    total, children = selectors.overview(request.user, unit)

    def line(x: selectors.OverviewLine) -> dict[str, Any]:
        return {
            "unit_id": x.unit.pk,
            "unit": x.unit.name,
            "planned": x.planned,
            "preparing": x.preparing,
            "ready": x.ready,
            "held": x.held,
            "reported": x.reported,
            "reported_late": x.reported_late,
        }

    late = list(selectors.late_meetings(request.user, unit).values_list("pk", flat=True)[:1000])
    return {"total": line(total), "units": [line(c) for c in children], "late_meeting_ids": late}
