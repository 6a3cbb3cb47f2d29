"""Oversight through the JSON API (/api/v1/oversight/...)."""

from ninja import Router

router = Router(tags=["oversight"])
