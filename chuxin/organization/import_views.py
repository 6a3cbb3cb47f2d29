"""Upload pages for unit and member imports (being written in this session)."""

from django.http import Http404, HttpRequest, HttpResponse


def import_start(request: HttpRequest) -> HttpResponse:
    raise Http404


def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    raise Http404


def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
