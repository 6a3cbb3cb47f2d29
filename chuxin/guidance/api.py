"""Supervision & guidance through the JSON API (/api/v1/guidance/...)."""

from ninja import Router

router = Router(tags=["guidance"])
