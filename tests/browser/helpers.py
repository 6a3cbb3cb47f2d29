"""What every browser test does the same way."""

from __future__ import annotations

from typing import Any


def log_in(page: Any, base: str, username: str) -> None:
    """Log in through the form as a fixture user (password ``pw-<username>``) and wait until
    the page it leads to has settled."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}")
    page.click("button[type=submit].w-100")
    page.wait_for_load_state("networkidle")
