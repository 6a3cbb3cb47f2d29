"""Study & education through the JSON API (/api/v1/study/...)."""

from ninja import Router

router = Router(tags=["study"])
