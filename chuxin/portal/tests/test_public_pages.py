"""The public pages without login, without JavaScript: submit an opinion through the unit
picker, follow it by its code, see the public results, rate a closed result."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from chuxin.core.models import Notification
from chuxin.portal import services
from chuxin.portal.models import Opinion, OpinionChannel, OpinionStatus, SatisfactionRating
from chuxin.rectification.tests.conftest import RectWorld

from .conftest import challenge, opinion_for, submit_data, verified_task_for

pytestmark = pytest.mark.django_db


def anon(lang: str = "en") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=lang)


def test_the_portal_pages_need_no_login(pw: RectWorld) -> None:
    pw.problem.is_public = True
    pw.problem.save()
    client = anon()
    for url in (
        "/portal/",
        "/portal/opinions/new/",
        "/portal/results/?q=和平",
        f"/portal/units/{pw.county_a.pk}/",
        f"/portal/problems/{pw.problem.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"accounts/login" not in response.get("Location", "").encode()
    chosen = client.get("/portal/opinions/new/", {"unit": pw.county_a.pk}).content.decode()
    assert f'id="unit-{pw.county_a.pk}" value="{pw.county_a.pk}" checked' in chosen
    found = client.get("/portal/results/", {"q": "和平"}).content.decode()
    assert f'href="/portal/units/{pw.county_a.pk}/"' in found
    # once not public, the problem's page is not there for the public
    pw.problem.is_public = False
    pw.problem.save()
    assert client.get(f"/portal/problems/{pw.problem.pk}/").status_code == 404


def test_find_a_unit_without_javascript_keeps_what_was_typed(pw: RectWorld) -> None:
    response = anon().post(
        "/portal/opinions/new/",
        {"do": "find", "unit_q": "和平", "text": "我的意见原文", "contact_phone": "13800000000"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{pw.county_a.pk}"' in html and "和平区" in html
    assert "我的意见原文" in html and "13800000000" in html  # nothing typed is lost
    assert "大连市" not in html
    nothing = anon().post("/portal/opinions/new/", {"do": "find", "unit_q": "不存在的地方"})
    assert 'id="no-unit-match"' in nothing.content.decode()


def test_the_htmx_picker_answers_radio_buttons(pw: RectWorld) -> None:
    response = anon().get("/portal/units/choices/", {"unit_q": "中山"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert f'name="unit" id="unit-{pw.county_b.pk}"' in html
    assert "<html" not in html


def test_submit_gives_a_code_and_tells_the_receiving_office(
    pw: RectWorld, django_capture_on_commit_callbacks: Any
) -> None:
    client = anon()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/portal/opinions/new/",
            submit_data(pw.county_a, contact_name="张三", contact_phone="13800000000"),
        )
    opinion = Opinion.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/track/{opinion.code}/"
    assert services.is_code_shaped(opinion.code)
    assert opinion.channel == OpinionChannel.WEB and opinion.status == OpinionStatus.NEW
    assert opinion.campaign == pw.campaign and opinion.has_contact
    page = client.get(response["Location"]).content.decode()
    assert opinion.code in page and "路灯坏了很久没人修" in page
    assert "13800000000" not in page and "张三" not in page
    # the city office is the nearest office above county A: it is told, once; the province not
    told = list(Notification.objects.values_list("user__username", "dedupe_key"))
    assert told == [("city_admin", f"portal.opinion.{opinion.pk}")]
    services.notify_receivers(opinion)
    assert Notification.objects.count() == 1


def test_codes_are_typed_loosely(pw: RectWorld) -> None:
    opinion = opinion_for(pw.county_a)
    typed = f" {opinion.code[:5].lower()}-{opinion.code[5:].lower()} "
    response = anon().get("/portal/track/", {"code": typed})
    assert response.status_code == 302 and response["Location"].endswith(f"/{opinion.code}/")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text": ""}, "text", "Please say what your opinion is."),
        ({"text": "长" * 2001}, "text", "At most 2000 characters"),
        ({"unit": ""}, "unit_q", "Choose the place or unit"),
        ({"unit": "999999"}, "unit_q", "Choose the place or unit"),
        ({"unit": "abc"}, "unit_q", "Choose the place or unit"),
        ({"challenge_answer": "0"}, "challenge_answer", "not the right answer"),
        ({"challenge_answer": "x"}, "challenge_answer", "with a number"),
        ({"challenge_token": "forged"}, "challenge_answer", "answer the question again"),
        ({"contact_email": "not-an-email"}, "contact_email", "valid email"),
        ({"contact_phone": "call me <b>"}, "contact_phone", "phone number"),
        ({"contact_name": "名" * 101}, "contact_name", "At most 100"),
        ({"category": "bogus"}, "category", "valid choice"),
        ({"website": "http://spam.example"}, "__all__", "could not be accepted"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    pw: RectWorld, changes: dict[str, str], field: str, message: str
) -> None:
    response = anon().post("/portal/opinions/new/", submit_data(pw.county_a) | changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Opinion.objects.exists()
    # a new question to answer, and what was typed is still there
    assert 'name="challenge_token"' in response.content.decode()


def test_a_challenge_is_answered_once(pw: RectWorld) -> None:
    data = submit_data(pw.county_a)
    client = anon()
    assert client.post("/portal/opinions/new/", data).status_code == 302
    again = client.post("/portal/opinions/new/", data)
    assert "already answered" in again.content.decode()
    assert Opinion.objects.count() == 1


def test_html_and_script_are_shown_as_text(pw: RectWorld) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = anon().post("/portal/opinions/new/", submit_data(pw.county_a, text=evil))
    opinion = Opinion.objects.get()
    assert opinion.text == evil  # kept as written ...
    html = anon().get(response["Location"]).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html  # ... never rendered
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    found = anon().post("/portal/opinions/new/", {"do": "find", "unit_q": "<script>x"})
    assert "<script>x" not in found.content.decode()


def test_wrong_and_guessed_codes_answer_404_alike(pw: RectWorld) -> None:
    opinion_for(pw.county_a)
    client = anon()
    bodies = set()
    for code in ("nonsense", "ABCDEFGHJK", "23456789AB", "'; DROP TABLE x;--", "x" * 500):
        response = client.get("/portal/track/", {"code": code})
        assert response.status_code == 404
        html = re.sub(r'name="next" type="hidden" value="[^"]*"', "", response.content.decode())
        bodies.add(re.sub(r"[A-Za-z0-9]{64}", "", html))  # CSRF tokens differ
    assert len(bodies) == 1  # no oracle: malformed and unknown codes look the same
    assert client.get("/portal/track/ABCDEFGHJK/").status_code == 404


def test_guessing_codes_is_cut_off(pw: RectWorld, settings: Any) -> None:
    settings.PORTAL_RATE_LIMITS = {"track_miss": (3, 600)}
    opinion = opinion_for(pw.county_a)
    client = anon()
    for n in range(3):
        assert client.get(f"/portal/track/ZZZZZZZZZ{n + 2}/").status_code == 404
    blocked = client.get(f"/portal/track/{opinion.code}/")
    assert blocked.status_code == 429 and "Too many requests" in blocked.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9", HTTP_ACCEPT_LANGUAGE="en")
    assert other.get(f"/portal/track/{opinion.code}/").status_code == 200


def test_flooding_answers_429_with_a_clear_message(pw: RectWorld, settings: Any) -> None:
    settings.PORTAL_RATE_LIMITS = {"submit": (3, 600)}
    client = anon()
    for _n in range(3):
        assert client.post("/portal/opinions/new/", submit_data(pw.county_a)).status_code == 302
    flooded = client.post("/portal/opinions/new/", submit_data(pw.county_a))
    assert flooded.status_code == 429
    assert "Please wait about 10 minutes" in flooded.content.decode()
    assert flooded["Retry-After"] == "600"
    assert Opinion.objects.count() == 3


def _answered_public_problem(pw: RectWorld) -> tuple[Opinion, Any]:
    opinion = opinion_for(pw.county_a, contact={"name": "张三", "phone": "13800000000"})
    problem = services.opinion_to_problem(
        actor=pw.city_admin, opinion=opinion, title="背街小巷路灯不亮", category="needs"
    )
    return opinion, problem


def test_the_raiser_rates_once_with_the_code(pw: RectWorld) -> None:
    opinion, problem = _answered_public_problem(pw)
    client = anon()
    page = client.get(f"/portal/track/{opinion.code}/").content.decode()
    assert 'id="rating-form"' not in page  # nothing closed to rate yet
    refused = client.post(
        f"/portal/track/{opinion.code}/rate/", {"level": "satisfied", **challenge()}
    )
    assert refused.status_code == 400 and "no closed result" in refused.content.decode()
    verified_task_for(pw, problem)
    page = client.get(f"/portal/track/{opinion.code}/").content.decode()
    assert 'id="rating-form"' in page
    rated = client.post(
        f"/portal/track/{opinion.code}/rate/",
        {"level": "very", "comment": "<b>很好</b>", **challenge()},
    )
    assert rated.status_code == 302
    rating = SatisfactionRating.objects.get()
    assert (rating.opinion, rating.problem, rating.score) == (opinion, problem, 100)
    again = Client(REMOTE_ADDR="10.1.1.1", HTTP_ACCEPT_LANGUAGE="en").post(
        f"/portal/track/{opinion.code}/rate/", {"level": "dissatisfied", **challenge()}
    )
    assert again.status_code == 400  # one rating per code, whatever the address
    assert SatisfactionRating.objects.count() == 1
    public = client.get(f"/portal/problems/{problem.pk}/").content.decode()
    assert re.search(r'data-level="very">.*?rating-count">1<', public, re.S)


def test_visitors_rate_once_per_address(pw: RectWorld) -> None:
    _opinion, problem = _answered_public_problem(pw)
    verified_task_for(pw, problem)
    url = f"/portal/problems/{problem.pk}/rate/"
    first = Client(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    assert first.post(url, {"level": "satisfied", **challenge()}).status_code == 302
    second = first.post(url, {"level": "satisfied", **challenge()})
    assert second.status_code == 400 and "already been given" in second.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.2", HTTP_ACCEPT_LANGUAGE="en")
    assert other.post(url, {"level": "basically", **challenge()}).status_code == 302
    assert sorted(SatisfactionRating.objects.values_list("score", flat=True)) == [60, 80]
    assert not SatisfactionRating.objects.filter(client_digest__contains="10.0.0").exists()
    bad = other.post(url, {"level": "ecstatic", "comment": "x" * 501, **challenge()})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()


def test_rating_comment_too_long_is_refused(pw: RectWorld) -> None:
    opinion, problem = _answered_public_problem(pw)
    verified_task_for(pw, problem)
    response = anon().post(
        f"/portal/track/{opinion.code}/rate/",
        {"level": "very", "comment": "好" * 501, **challenge()},
    )
    assert response.status_code == 400 and "At most 500 characters" in response.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_both_languages_and_the_switch(pw: RectWorld) -> None:
    zh = anon("zh-hans").get("/portal/opinions/new/").content.decode()
    en = anon("en").get("/portal/opinions/new/").content.decode()
    assert '<html lang="zh-hans">' in zh and '<html lang="en">' in en
    for html in (zh, en):
        assert 'name="language" value="en"' in html and 'name="language" value="zh-hans"' in html
    assert "Give an opinion" in en


@pytest.mark.parametrize(
    "who", ["office", "city_admin", "other_county_admin", "guidance", "member_user", "anonymous"]
)
def test_public_pages_are_the_same_for_everyone(
    pw: RectWorld, who: str, django_assert_max_num_queries: Any
) -> None:
    pw.problem.is_public = True
    pw.problem.save()
    opinion = opinion_for(pw.county_b)
    client = pw.client_for(None if who == "anonymous" else getattr(pw, who))
    client.get("/portal/")  # the session is read once before counting
    for url in (
        "/portal/",
        "/portal/opinions/new/",
        f"/portal/units/{pw.province.pk}/",
        f"/portal/problems/{pw.problem.pk}/",
        f"/portal/track/{opinion.code}/",
        "/api/v1/portal/public/units?q=区",
        f"/api/v1/portal/public/track/{opinion.code}",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url
