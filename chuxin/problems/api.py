"""The problems API (filled in by the capability's own commits)."""

from ninja import Router

router = Router(tags=["problems"])
