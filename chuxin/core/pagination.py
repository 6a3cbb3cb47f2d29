"""Pagination for list pages (page numbers, a bounded page size)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset: Any, per_page: int = 50) -> Page[Any]:
    """The requested page; out-of-range pages give the last page, not an error."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current query string minus ``page``, for page links and export links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
