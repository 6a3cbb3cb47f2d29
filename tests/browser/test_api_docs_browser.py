"""The API's docs page works offline, under the Content Security Policy."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_from_local_files(
    live_server: Any, transactional_db: Any, open_page: Any
) -> None:
    page = open_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    page.get_by_text("/api/v1/units/{unit_id}", exact=True).first.wait_for(timeout=15_000)
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested)
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
