"""Encryption of contact details (round trip, tampering, key rotation) and the demo data."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from chuxin.portal import protect, services
from chuxin.portal.models import Opinion, OpinionStatus, SatisfactionRating


def test_round_trip_and_tampering() -> None:
    token = protect.encrypt_text("张三 13800000000")
    assert token.startswith("f1:") and "13800000000" not in token
    assert protect.decrypt_text(token) == "张三 13800000000"
    assert protect.encrypt_text("x") != protect.encrypt_text("x")
    body = bytearray(token[3:].encode())
    body[40] = ord("A") if body[40] != ord("A") else ord("B")
    with pytest.raises(protect.ContactDecryptError):
        protect.decrypt_text("f1:" + body.decode())
    for garbage in ("f1:garbage", "h1:" + token[3:], "no-version"):
        assert protect.open_contact(garbage) == {"error": "unreadable"}
    assert protect.seal_contact({"name": " ", "phone": ""}) == ""


def test_key_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    old = protect.seal_contact({"phone": "13800000000"})
    monkeypatch.setenv("CHUXIN_PORTAL_CONTACT_KEY", "a-new-dedicated-key")
    # the old key (SECRET_KEY) still decrypts; new tokens use the new key
    assert protect.open_contact(old)["phone"] == "13800000000"
    new = protect.seal_contact({"phone": "1"})
    monkeypatch.setenv("CHUXIN_PORTAL_CONTACT_KEY", "another-key")
    assert protect.open_contact(new) == {"error": "unreadable"}
    monkeypatch.setenv("CHUXIN_PORTAL_CONTACT_OLD_KEYS", "a-new-dedicated-key")
    assert protect.open_contact(new)["phone"] == "1"


@pytest.mark.django_db
def test_tiny_demo_has_opinions_and_ratings(django_assert_max_num_queries: Any) -> None:
    call_command("demo", "--scale", "tiny", "--no-progress", stdout=io.StringIO())
    opinions = Opinion.objects.all()
    statuses = set(opinions.values_list("status", flat=True))
    assert {OpinionStatus.PROBLEM, OpinionStatus.NEW} <= statuses
    assert all(services.is_code_shaped(c) for c in opinions.values_list("code", flat=True))
    linked = opinions.filter(problem__isnull=False)
    assert not linked.exclude(problem__source="public").exists()
    with_contact = opinions.filter(has_contact=True).first()
    assert with_contact is not None and with_contact.contact[:3] == "f1:"
    assert protect.open_contact(with_contact.contact)["phone"].startswith("13")
    ratings = SatisfactionRating.objects.all()
    assert ratings.exists()
    assert not ratings.exclude(problem__is_public=True, problem__status="rectified").exists()
    by_code = ratings.filter(opinion__isnull=False)
    assert by_code.exists() and all(r.opinion.problem_id == r.problem_id for r in by_code)
