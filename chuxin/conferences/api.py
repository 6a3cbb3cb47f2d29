"""Promotion conferences through the JSON API (/api/v1/conferences/...)."""

from ninja import Router

router = Router(tags=["conferences"])
