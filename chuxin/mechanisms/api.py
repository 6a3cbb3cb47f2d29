"""Long-term mechanisms through the JSON API (/api/v1/mechanisms/...)."""

from ninja import Router

router = Router(tags=["mechanisms"])
