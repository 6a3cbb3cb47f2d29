"""Assessment through the JSON API (/api/v1/assessment/...)."""

from ninja import Router

router = Router(tags=["assessment"])
