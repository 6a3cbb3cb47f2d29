"""Briefings: generated from the dashboard's figures in both languages, editable as drafts,
issued frozen and numbered per campaign and unit, downloaded as .docx and PDF with the Chinese
intact; weekly schedules make one draft a week."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from chuxin.oversight import briefing_exports, services
from chuxin.oversight.models import Briefing, BriefingSchedule, BriefingStatus


def generate(ow: Any, client: Any, unit: Any = None, **data: str) -> Any:
    today = timezone.localdate()
    payload = {
        "period_start": (today - dt.timedelta(days=6)).isoformat(),
        "period_end": today.isoformat(),
    } | data
    return client.post(
        reverse("oversight:briefing_generate", args=[(unit or ow.province).pk]), payload
    )


def test_generate_a_draft_whose_numbers_are_the_dashboards(ow: Any) -> None:
    client = ow.client_for(ow.office)
    response = generate(ow, client)
    briefing = Briefing.objects.get()
    assert response.url == reverse("oversight:briefing", args=[briefing.pk])
    assert briefing.status == BriefingStatus.DRAFT and briefing.number is None
    board = client.get(f"/api/v1/oversight/units/{ow.province.pk}/dashboard").json()
    shown = {f["key"]: f["value"] for s in board["sections"] for f in s["figures"]}
    assert shown
    for key, value in shown.items():
        assert briefing.data["values"][key] == value
    for row in briefing.data["figures"]:
        assert row["value"] == briefing.data["values"][row["key"]]
    assert "辽宁省" in briefing.title_zh and "辽宁省" in briefing.title_en
    assert "一、总体情况" in briefing.body_zh and "1. Overview" in briefing.body_en
    assert "Problems: 2;" in briefing.body_en


def test_changes_since_the_last_issued_briefing(ow: Any) -> None:
    first = services.briefing_generate(
        actor=ow.office,
        unit=ow.province,
        period_start=timezone.localdate() - dt.timedelta(days=13),
        period_end=timezone.localdate() - dt.timedelta(days=7),
    )
    services.briefing_issue(actor=ow.office, briefing=first)
    from chuxin.problems import services as problem_services

    problem_services.problem_create(
        actor=ow.root,
        campaign=ow.campaign,
        unit=ow.branch_b,
        title="路灯不亮",
        description="",
        source="public",
        category="needs",
        public_point="blockage",
        severity="low",
    )
    second = services.briefing_generate(
        actor=ow.office,
        unit=ow.province,
        period_start=timezone.localdate() - dt.timedelta(days=6),
        period_end=timezone.localdate(),
    )
    rows = {r["key"]: r for r in second.data["figures"]}
    assert rows["rect.problems"]["previous"] == 2 and rows["rect.problems"]["value"] == 3
    assert second.data["previous"]["number"] == 1
    assert "第1期" in second.body_zh and "(2)" in second.body_en


def test_edit_then_issue_numbers_and_freezes(ow: Any) -> None:
    client = ow.client_for(ow.office)
    generate(ow, client)
    briefing = Briefing.objects.get()
    url = reverse("oversight:briefing", args=[briefing.pk])
    edited = {
        "title_zh": "第一周简报",
        "title_en": "Week one",
        "body_zh": "各地进展顺利。",
        "body_en": "Good progress.",
    }
    assert client.post(url, edited).status_code == 302
    briefing.refresh_from_db()
    assert briefing.body_zh == "各地进展顺利。"
    # Bad input: an empty text is refused, naming the field, and nothing changes.
    response = client.post(url, edited | {"body_en": "  "})
    assert response.status_code == 422 and "body_en" in response.context["form"].errors
    client.post(reverse("oversight:briefing_issue", args=[briefing.pk]))
    briefing.refresh_from_db()
    assert briefing.is_issued and briefing.number == 1 and briefing.issued_by == ow.office
    assert client.post(url, edited | {"body_en": "changed"}).status_code == 422
    briefing.refresh_from_db()
    assert briefing.body_en == "Good progress."
    with pytest.raises(ValidationError):
        services.briefing_issue(actor=ow.office, briefing=briefing)
    generate(ow, client)
    second = Briefing.objects.exclude(pk=briefing.pk).get()
    services.briefing_issue(actor=ow.office, briefing=second)
    assert second.__class__.objects.get(pk=second.pk).number == 2
    # Numbers run per unit: a city's first briefing is its number 1.
    city = services.briefing_generate(
        actor=ow.city_admin,
        unit=ow.city_a,
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
    )
    assert services.briefing_issue(actor=ow.city_admin, briefing=city).number == 1
    assert "第1期" in client.get(reverse("oversight:briefing", args=[city.pk])).content.decode()


def test_bad_periods_are_refused(ow: Any) -> None:
    client = ow.client_for(ow.office)
    today = timezone.localdate()
    response = generate(ow, client, period_end=(today - dt.timedelta(days=30)).isoformat())
    assert response.status_code == 422 and "period_end" in response.context["form"].errors
    response = generate(ow, client, period_start="not a date")
    assert response.status_code == 422 and "period_start" in response.context["form"].errors
    response = generate(ow, client, period_start=(today - dt.timedelta(days=400)).isoformat())
    assert response.status_code == 422
    assert not Briefing.objects.exists()


def test_docx_reads_back_with_chinese(ow: Any) -> None:
    briefing = services.briefing_generate(
        actor=ow.office,
        unit=ow.province,
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
    )
    services.briefing_issue(actor=ow.office, briefing=briefing)
    client = ow.client_for(ow.office)
    response = client.get(reverse("oversight:briefing_download", args=[briefing.pk, "zh", "docx"]))
    assert response.status_code == 200
    from docx import Document

    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "第1期" in text and "辽宁省" in text and "一、总体情况" in text
    assert document.inline_shapes, "the chart is in the document as an image"
    en = client.get(reverse("oversight:briefing_download", args=[briefing.pk, "en", "docx"]))
    assert "1. Overview" in "\n".join(p.text for p in Document(io.BytesIO(en.content)).paragraphs)


def test_pdf_reads_back_with_chinese_intact(ow: Any) -> None:
    if briefing_exports.cjk_font_file() is None:
        pytest.skip("the CJK font WenQuanYi Micro Hei is not installed (fonts-wqy-microhei)")
    briefing = services.briefing_generate(
        actor=ow.office,
        unit=ow.province,
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
    )
    client = ow.client_for(ow.office)
    response = client.get(reverse("oversight:briefing_download", args=[briefing.pk, "zh", "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    compact = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    for phrase in ("辽宁省主题教育情况简报", "一、总体情况", "四、整改成果选登", "沈阳市"):
        assert phrase in compact, phrase
    # The text is drawn with the CJK font, embedded: no character falls back to a box.
    resources: list[Any] = [page["/Resources"] for page in reader.pages]
    fonts = {str(font["/BaseFont"]) for r in resources for font in r["/Font"].values()}
    assert any("WenQuanYi" in name for name in fonts), fonts
    assert "<svg" in briefing_exports.chart_svg(briefing, "zh")


def test_downloads_bad_input_and_scope(ow: Any) -> None:
    briefing = services.briefing_generate(
        actor=ow.city_admin,
        unit=ow.city_a,
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
    )
    office = ow.client_for(ow.office)
    assert office.get(f"/oversight/briefings/{briefing.pk}/fr.pdf").status_code == 404
    assert office.get(f"/oversight/briefings/{briefing.pk}/zh.txt").status_code == 404
    other = ow.client_for(ow.other_county_admin)
    assert other.get(reverse("oversight:briefing", args=[briefing.pk])).status_code == 404
    url = reverse("oversight:briefing_download", args=[briefing.pk, "en", "docx"])
    assert other.get(url).status_code == 404
    guidance = ow.client_for(ow.guidance)
    assert guidance.get(reverse("oversight:briefing", args=[briefing.pk])).status_code == 404
    # The guidance member sees county A's dashboard but may not write its briefings.
    assert generate(ow, guidance, ow.county_a).status_code == 403
    assert ow.client_for(None).get(url).status_code == 302


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("office", 200),
        ("city_admin", 200),
        ("other_county_admin", 200),
        ("guidance", 200),
        ("member_user", 200),
        (None, 302),
    ],
)
def test_briefing_list_scope(ow: Any, who: str | None, status: int) -> None:
    services.briefing_generate(
        actor=ow.city_admin,
        unit=ow.city_a,
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
    )
    client = ow.client_for(getattr(ow, who) if who else None)
    response = client.get(reverse("oversight:briefing_list"))
    assert response.status_code == status
    if status == 200:
        sees = "沈阳市" in response.content.decode()
        assert sees == (who in ("office", "city_admin"))


def test_briefing_list_query_bound(ow: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(5):
        services.briefing_generate(
            actor=ow.office,
            unit=ow.province,
            period_start=timezone.localdate(),
            period_end=timezone.localdate(),
        )
    client = ow.client_for(ow.office)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("oversight:briefing_list")).status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/oversight/briefings?limit=10")
    assert response.json()["count"] == 5


def test_api_generate_edit_issue(ow: Any) -> None:
    client = ow.client_for(ow.office)
    url = f"/api/v1/oversight/units/{ow.province.pk}/briefings"
    today = timezone.localdate().isoformat()
    bad = client.post(
        url, {"period_start": today, "period_end": "2000-01-01"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "period_end" in bad.json()["detail"]
    made = client.post(
        url, {"period_start": today, "period_end": today}, content_type="application/json"
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    edit = {"title_zh": "简报", "title_en": "Briefing", "body_zh": "正文", "body_en": "Text"}
    put = client.put(f"/api/v1/oversight/briefings/{pk}", edit, content_type="application/json")
    assert put.status_code == 200 and put.json()["body_zh"] == "正文"
    issued = client.post(f"/api/v1/oversight/briefings/{pk}/issue")
    assert issued.json()["number"] == 1
    again = client.put(f"/api/v1/oversight/briefings/{pk}", edit, content_type="application/json")
    assert again.status_code == 422
    other = ow.client_for(ow.other_county_admin)
    assert other.get(f"/api/v1/oversight/briefings/{pk}").status_code == 404
    guidance = ow.client_for(ow.guidance)
    forbidden = guidance.post(
        f"/api/v1/oversight/units/{ow.county_a.pk}/briefings",
        {"period_start": today, "period_end": today},
        content_type="application/json",
    )
    assert forbidden.status_code == 403


def test_weekly_schedule_makes_one_draft_a_day_it_is_due(ow: Any) -> None:
    client = ow.client_for(ow.office)
    today = timezone.localdate()
    url = reverse("oversight:schedule_set", args=[ow.province.pk])
    assert client.post(url, {"weekday": "9", "active": "on"}).status_code == 302
    assert not BriefingSchedule.objects.exists()
    client.post(url, {"weekday": str(today.weekday()), "active": "on"})
    schedule = BriefingSchedule.objects.get()
    assert schedule.weekday == today.weekday() and schedule.active
    made = services.scheduled_briefings_run(today)
    assert len(made) == 1 and made[0].scheduled and made[0].status == BriefingStatus.DRAFT
    assert made[0].period_end == today
    assert services.scheduled_briefings_run(today) == []
    assert services.scheduled_briefings_run(today + dt.timedelta(days=1)) == []
    assert len(services.scheduled_briefings_run(today + dt.timedelta(days=7))) == 1
    guidance = ow.client_for(ow.guidance)
    assert (
        guidance.post(
            reverse("oversight:schedule_set", args=[ow.county_a.pk]), {"weekday": "1"}
        ).status_code
        == 403
    )
