"""Life meetings through the JSON API (/api/v1/meetings/...)."""

from ninja import Router

router = Router(tags=["meetings"])
