"""Public portal through the JSON API (/api/v1/portal/...)."""

from ninja import Router

router = Router(tags=["portal"])
