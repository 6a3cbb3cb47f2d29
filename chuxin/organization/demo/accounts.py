"""The demo logins: one user per role, with passwords derived from the installation's secret.

A password is 12 characters of an HMAC of ``settings.SECRET_KEY`` and the username, so it
differs between installations, is never ``admin/admin``, is not stored anywhere in clear, and
``chuxin demo_logins`` can print it again at any time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

from ..models import Member, Role, Unit


@dataclass(frozen=True)
class DemoLogin:
    """A demo user: the role it holds, on which unit (by code), and what it is for."""

    username: str
    role: str  # a Role value, or "superuser"
    unit_code: str
    description: str
    include_subtree: bool = True
    member_number: str = ""  # the Member this login belongs to


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "superuser", "", "superuser: everything, and the admin site"),
    DemoLogin("office", Role.OFFICE, "LN", "leading group office of the province"),
    DemoLogin("shenyang_admin", Role.UNIT_ADMIN, "LN01", "administrator of 沈阳市"),
    DemoLogin("dalian_county_admin", Role.UNIT_ADMIN, "LN0201", "administrator of 大连市中山区"),
    DemoLogin(
        "guidance",
        Role.GUIDANCE,
        "LN0101",
        "guidance team member assigned to 沈阳市和平区 (that unit only)",
        include_subtree=False,
    ),
    DemoLogin(
        "member",
        Role.MEMBER,
        "LN0101001B01",
        "a member of a township's first party branch in 和平区",
        member_number="LN0101001B01-0002",
    ),
)


def demo_password(username: str) -> str:
    """The demo password of ``username`` on this installation (HMAC of the secret key)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"chuxin-demo:{username}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode()[:12]


def create_demo_logins() -> list[str]:
    """Create the demo users and grant their roles (through ``role_assign``).

    A user that already exists keeps its password. Returns the usernames created.
    """
    from .. import services

    user_model: Any = get_user_model()
    admin = user_model.objects.filter(username="admin").first()
    created: list[str] = []
    if admin is None:
        admin = user_model.objects.create_superuser(
            "admin", "admin@chuxin.invalid", demo_password("admin")
        )
        created.append("admin")
    units = Unit.objects.in_bulk(
        [login.unit_code for login in DEMO_LOGINS if login.unit_code], field_name="code"
    )
    for login in DEMO_LOGINS:
        unit = units.get(login.unit_code)
        if login.role == "superuser" or unit is None:
            continue
        user = user_model.objects.filter(username=login.username).first()
        if user is None:
            user = user_model.objects.create_user(
                login.username, password=demo_password(login.username)
            )
            created.append(login.username)
        services.role_assign(
            actor=admin,
            user=user,
            role=login.role,
            unit=unit,
            include_subtree=login.include_subtree,
        )
        if login.member_number and not Member.objects.filter(user=user).exists():
            Member.objects.filter(member_number=login.member_number, user__isnull=True).update(
                user=user
            )
    return created


@dataclass(frozen=True)
class LoginLine:
    """One line of ``chuxin demo_logins``."""

    login: DemoLogin
    password: str
    exists: bool
    password_works: bool


def demo_login_lines(*, verify: bool = True) -> list[LoginLine]:
    """The demo logins with their passwords, and whether each user exists and still has it."""
    user_model: Any = get_user_model()
    usernames = [login.username for login in DEMO_LOGINS]
    users = user_model.objects.in_bulk(usernames, field_name="username")
    lines = []
    for login in DEMO_LOGINS:
        password = demo_password(login.username)
        user = users.get(login.username)
        works = bool(user and user.is_active and (not verify or user.check_password(password)))
        lines.append(LoginLine(login, password, user is not None, works))
    return lines
