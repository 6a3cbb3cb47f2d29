"""The JSON API under /api/v1/: every capability's router, one auth, one error shape."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from chuxin.assessment.api import router as assessment_router
from chuxin.conferences.api import router as conferences_router
from chuxin.core.api_auth import API_AUTH
from chuxin.guidance.api import router as guidance_router
from chuxin.investigation.api import router as investigation_router
from chuxin.mechanisms.api import router as mechanisms_router
from chuxin.meetings.api import router as meetings_router
from chuxin.organization.api import router as organization_router
from chuxin.oversight.api import router as oversight_router
from chuxin.portal.api import router as portal_router
from chuxin.problems.api import router as problems_router
from chuxin.rectification.api import router as rectification_router
from chuxin.study.api import router as study_router

api = NinjaAPI(
    title="Chuxin API",
    version="1",
    description="The thematic-education campaign's system of record. Lists answer "
    '`{"items": [...], "count": N}`; authenticate with `Authorization: Bearer <token>` '
    "(`chuxin issue_token USERNAME`).",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": errors}, status=422)


api.add_router("/", organization_router)
api.add_router("/study/", study_router)
api.add_router("/problems", problems_router)
api.add_router("/rectification/", rectification_router)
api.add_router("/meetings/", meetings_router)
api.add_router("/conferences/", conferences_router)
api.add_router("/investigation/", investigation_router)
api.add_router("/mechanisms/", mechanisms_router)
api.add_router("/guidance/", guidance_router)
api.add_router("/assessment/", assessment_router)
api.add_router("/portal/", portal_router)
api.add_router("/oversight/", oversight_router)
