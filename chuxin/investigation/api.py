"""Investigation & research through the JSON API (/api/v1/investigation/...)."""

from ninja import Router

router = Router(tags=["investigation"])
