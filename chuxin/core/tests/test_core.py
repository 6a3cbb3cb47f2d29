"""Health, security settings, log-in, tokens, the console script."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.test import Client

from chuxin.core.models import ApiToken
from conftest import World

ROOT = Path(__file__).resolve().parents[3]


def test_healthz_ok(db: object) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["database"] is True


def test_healthz_503_when_the_database_does_not_answer(db: object) -> None:
    with mock.patch("chuxin.core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = Client().get("/healthz")
    assert response.status_code == 503


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO", "CHUXIN", "DEBUG"))
    }
    env |= {
        "SECRET_KEY": "x" * 64 + "production-like-secret-key-for-the-check",
        "ALLOWED_HOSTS": "chuxin.example.org",
        "CHUXIN_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "chuxin.manage", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_a_csp_without_inline_script(world: World) -> None:
    response = world.client_for(world.office).get("/org/units/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script found"
    assert " style=" not in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


def test_login_and_lockout_after_repeated_failures(world: World) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/login/", {"username": "office", "password": "pw-office"})
    assert response.status_code == 302
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "city_admin", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "city_admin", "password": "pw-city_admin"}
    )
    assert response.status_code == 429
    assert b"locked" in response.content.lower()


def test_anonymous_is_sent_to_log_in(db: object) -> None:
    response = Client().get("/org/units/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_issue_token_prints_a_working_token(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("issue_token", "office")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("cx_") and ApiToken.objects.filter(user=world.office).count() == 1
    assert not ApiToken.objects.filter(digest=raw).exists()  # only the digest is stored
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me")
    assert response.json()["username"] == "office"
    with pytest.raises(CommandError):
        call_command("issue_token", "nobody")


def test_createsuperuser_noinput_from_environment(db: object) -> None:
    from chuxin.core.models import User

    env = {
        "DJANGO_SUPERUSER_USERNAME": "boss",
        "DJANGO_SUPERUSER_PASSWORD": "S3cret-pass!x",
        "DJANGO_SUPERUSER_EMAIL": "boss@example.org",
    }
    with mock.patch.dict(os.environ, env):
        call_command("createsuperuser", interactive=False, verbosity=0)
    user = User.objects.get(username="boss")
    assert user.is_superuser and user.check_password("S3cret-pass!x")
