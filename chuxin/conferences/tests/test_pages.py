"""The conference pages through the client: the scope matrix of every page, the inline
forms with bad input, the release editor, downloads and exports, query bounds."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from chuxin.conferences import services
from chuxin.conferences.models import Conference, ConferencePerson, Speech, SubVenue
from chuxin.core.exports import read_back_xlsx

from .conftest import ConfWorld

USERS = ["office", "city_admin", "other_county_admin", "guidance", "member_user", None]


def client(cw: ConfWorld, name: str | None) -> Any:
    return cw.client_for(getattr(cw, name) if name else None)


# --- Scope matrix ---------------------------------------------------------------------------

# The province's third conference: city_admin sees it through the sub-venue of 沈阳市;
# other_county_admin (中山区) does not see the sub-venue of 大连市 above it; member_user
# attends it (linked as a user); guidance holds only 和平区.
VIEW_THIRD = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 200,
    None: 302,
}
MANAGE_THIRD = {
    "office": 200,
    "city_admin": 403,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 403,
    None: 302,
}
VIEW_CITY = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 404,
    None: 302,
}
MANAGE_CITY = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 404,
    "member_user": 404,
    None: 302,
}


def _live_counts() -> tuple[int, int, int]:
    """Live participants, sub-venues and speeches (removing archives; it deletes nothing)."""
    return (
        ConferencePerson.objects.live().count(),
        SubVenue.objects.live().count(),
        Speech.objects.live().count(),
    )


@pytest.mark.parametrize("user", USERS)
def test_scope_matrix_of_pages(cw: ConfWorld, user: str | None) -> None:
    services.release_generate(actor=cw.office, conference=cw.third)
    services.release_generate(actor=cw.city_admin, conference=cw.city_conf)
    c = client(cw, user)
    for conf, view, manage in (
        (cw.third, VIEW_THIRD, MANAGE_THIRD),
        (cw.city_conf, VIEW_CITY, MANAGE_CITY),
    ):
        for name in ("detail", "release", "release_print"):
            url = reverse(f"conferences:{name}", args=[conf.pk])
            assert c.get(url).status_code == view[user], (name, conf.title)
        docx = reverse("conferences:release_docx", args=[conf.pk]) + "?lang=en"
        assert c.get(docx).status_code == view[user]
        assert c.get(reverse("conferences:edit", args=[conf.pk])).status_code == manage[user]
    speech = cw.third.speeches.first()
    edit_speech = c.get(reverse("conferences:speech_edit", args=[speech.pk])).status_code
    assert edit_speech == MANAGE_THIRD[user]
    assert c.get(reverse("conferences:list")).status_code == (302 if user is None else 200)
    create = c.get(reverse("conferences:create")).status_code
    managers = {"office": 200, "city_admin": 200, "other_county_admin": 200, None: 302}
    assert create == managers.get(user, 403)


def test_list_shows_only_what_is_in_sight(cw: ConfWorld) -> None:
    page = client(cw, "city_admin").get(reverse("conferences:list")).content.decode()
    assert cw.third.title in page and cw.city_conf.title in page
    assert cw.first.title not in page  # no sub-venue of 沈阳市 there
    page = client(cw, "office").get(reverse("conferences:list")).content.decode()
    assert all(c.title in page for c in (cw.first, cw.third, cw.city_conf))
    page = client(cw, "other_county_admin").get(reverse("conferences:list")).content.decode()
    assert not any(c.title in page for c in (cw.first, cw.third, cw.city_conf))


@pytest.mark.parametrize("user", ["city_admin", "member_user"])
def test_posts_outside_management_change_nothing(cw: ConfWorld, user: str) -> None:
    c = client(cw, user)
    pk = cw.third.pk
    before = _live_counts()
    assert c.post(reverse("conferences:person_add", args=[pk]), {"person-role": "attendee",
               "person-name": "某人"}).status_code == 403  # fmt: skip
    assert c.post(reverse("conferences:venue_add", args=[pk]), {"venue-unit_code": "P-A-1",
               "venue-attendance": 3}).status_code == 403  # fmt: skip
    venue = cw.third.venues.first()
    assert c.post(reverse("conferences:venue_remove", args=[venue.pk])).status_code == 403
    speech = cw.third.speeches.first()
    assert c.post(reverse("conferences:speech_remove", args=[speech.pk])).status_code == 403
    assert c.post(reverse("conferences:release_generate", args=[pk])).status_code == 403
    assert c.post(reverse("conferences:archive", args=[pk])).status_code == 403
    after = _live_counts()
    assert before == after


def test_query_bound_of_the_list(cw: ConfWorld, django_assert_max_num_queries: Any) -> None:
    for n in range(5, 15):
        services.conference_create(
            actor=cw.office,
            campaign=cw.campaign,
            organizer=cw.province,
            ordinal=n,
            title=f"第{n}次推进会",
            starts_at=timezone.now() + dt.timedelta(days=n),
        )
    c = client(cw, "office")
    with django_assert_max_num_queries(12):
        response = c.get(reverse("conferences:list") + f"?campaign={cw.campaign.pk}")
    assert response.content.decode().count("推进会") >= 12


def test_query_bound_of_the_conference_page(
    cw: ConfWorld, django_assert_max_num_queries: Any
) -> None:
    services.deployed_item_create(
        actor=cw.office,
        conference=cw.third,
        title="开展专项整治",
        units=[cw.city_a, cw.city_b, cw.county_a],
        time_limit=timezone.localdate() + dt.timedelta(days=30),
    )
    c = client(cw, "office")
    with django_assert_max_num_queries(20):
        assert c.get(reverse("conferences:detail", args=[cw.third.pk])).status_code == 200


# --- Create, edit, inline forms -------------------------------------------------------------


def test_create_and_edit_a_conference(cw: ConfWorld) -> None:
    c = client(cw, "city_admin")
    data = {
        "campaign": cw.campaign.pk,
        "organizer": "P-A",
        "ordinal": 7,
        "title": "沈阳市第七次推进会",
        "starts_at": "2026-12-20T09:30",
        "format": "teleconference",
        "main_venue": "市委会议室",
    }
    response = c.post(reverse("conferences:create"), data)
    conf = Conference.objects.get(title="沈阳市第七次推进会")
    assert response.status_code == 302 and conf.organizer == cw.city_a
    assert timezone.localtime(conf.starts_at).hour == 9
    response = c.post(reverse("conferences:edit", args=[conf.pk]), data | {"title": "改名"})
    conf.refresh_from_db()
    assert conf.title == "改名"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"organizer": "NOPE"}, "Unknown unit codes"),
        ({"organizer": "P-B"}, "Unknown unit codes: P-B"),  # out of city_admin's sight
        ({"ordinal": 4}, "already has a conference number 4"),
        ({"ordinal": 0}, "greater than or equal to 1"),
        ({"title": ""}, "This field is required"),
        ({"starts_at": "yesterday"}, "Enter a valid date/time"),
        ({"ends_at": "2026-12-19T09:00"}, "The end must come after the start"),
        ({"format": "carrier pigeon"}, "Select a valid choice"),
    ],
)
def test_create_bad_input_changes_nothing(cw: ConfWorld, change: dict, field: str | None) -> None:
    c = client(cw, "city_admin")
    data = {
        "campaign": cw.campaign.pk,
        "organizer": "P-A",
        "ordinal": 7,
        "title": "坏的输入",
        "starts_at": "2026-12-20T09:30",
        "format": "on_site",
    } | change
    before = Conference.objects.count()
    response = c.post(reverse("conferences:create"), data)
    assert Conference.objects.count() == before
    if field is None:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert field in response.content.decode()


def test_inline_forms(cw: ConfWorld) -> None:
    c = client(cw, "office")
    pk = cw.third.pk
    url = reverse("conferences:detail", args=[pk])
    r = c.post(reverse("conferences:person_add", args=[pk]), {"person-role": "attendee",
               "person-member_number": "A0002"})  # fmt: skip
    assert r.status_code == 302
    person = ConferencePerson.objects.get(conference=cw.third, name="王芳")
    assert person.position == "区委书记"
    r = c.post(reverse("conferences:venue_add", args=[pk]), {"venue-unit_code": "P-A-1",
               "venue-attendance": "33", "venue-chaired_by": "区长"})  # fmt: skip
    assert r.status_code == 302 and cw.third.venues.filter(unit=cw.county_a).exists()
    r = c.post(reverse("conferences:speech_add", args=[pk]), {"speech-kind": "other",
               "speech-speaker_name": "发言人", "speech-topic": "整改进展",
               "speech-key_points": "第一点\n\n第二点"})  # fmt: skip
    assert r.status_code == 302
    speech = Speech.objects.get(speaker_name="发言人")
    assert speech.key_points == ["第一点", "第二点"]
    edit = {"kind": "other", "speaker_name": "发言人", "topic": "新的题目"}
    edit["key_points"] = "唯一一点"
    r = c.post(reverse("conferences:speech_edit", args=[speech.pk]), edit)
    speech.refresh_from_db()
    assert r.status_code == 302 and speech.topic == "新的题目" and speech.key_points == ["唯一一点"]
    page = c.get(url).content.decode()
    assert "王芳" in page and "新的题目" in page and "和平区" in page
    c.post(reverse("conferences:person_remove", args=[person.pk]))
    person.refresh_from_db()  # archived, not deleted
    assert person.archived_at is not None and "王芳" not in c.get(url).content.decode()
    assert person.history.count() == 2  # created, archived: the audit trail keeps it


@pytest.mark.parametrize(
    ("form", "data", "message"),
    [
        ("person_add", {"person-role": "presiding", "person-name": "第二个主持人"},
         "already has a presiding person"),
        ("person_add", {"person-role": "attendee"}, "This field is required"),
        ("person_add", {"person-role": "boss", "person-name": "x"}, "Select a valid choice"),
        ("person_add", {"person-role": "attendee", "person-member_number": "X9999"},
         "No member numbered X9999"),
        ("venue_add", {"venue-unit_code": "P", "venue-attendance": "1"}, "below"),
        ("venue_add", {"venue-unit_code": "P-A", "venue-attendance": "1"}, "has a sub-venue"),
        ("venue_add", {"venue-unit_code": "ZZZ", "venue-attendance": "1"}, "Unknown unit"),
        ("venue_add", {"venue-unit_code": "P-A-1", "venue-attendance": "-3"}, "greater than"),
        ("speech_add", {"speech-kind": "main", "speech-speaker_name": "某"},
         "A main speech needs its key points"),
        ("speech_add", {"speech-kind": "special"}, "Choose the special rectification"),
        ("speech_add", {"speech-kind": "deployment", "speech-speaker_name": "某"},
         "Say what work was deployed"),
        ("speech_add", {"speech-kind": "other"}, "This field is required"),
        ("deployed_add", {"item-title": "x", "item-unit_codes": "P-A",
                          "item-time_limit": "2001-01-01", "item-category": "other"},
         "cannot be before the conference"),
        ("deployed_add", {"item-title": "x", "item-unit_codes": "P-A, P-A",
                          "item-time_limit": "2099-01-01", "item-category": "other"},
         "named twice"),
        ("deployed_add", {"item-title": "x", "item-unit_codes": "",
                          "item-time_limit": "2099-01-01", "item-category": "other"},
         "This field is required"),
        ("deployed_add", {"item-title": "", "item-unit_codes": "P-A",
                          "item-time_limit": "soon", "item-category": "other"},
         "Enter a valid date"),
    ],
)  # fmt: skip
def test_inline_forms_bad_input(cw: ConfWorld, form: str, data: dict, message: str) -> None:
    from chuxin.problems.models import Problem

    counts = (
        ConferencePerson.objects.count(),
        SubVenue.objects.count(),
        Speech.objects.count(),
        Problem.objects.count(),
    )
    response = client(cw, "office").post(reverse(f"conferences:{form}", args=[cw.third.pk]), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert counts == (
        ConferencePerson.objects.count(),
        SubVenue.objects.count(),
        Speech.objects.count(),
        Problem.objects.count(),
    )


def test_sub_venue_on_an_on_site_meeting_refused(cw: ConfWorld) -> None:
    response = client(cw, "office").post(
        reverse("conferences:venue_add", args=[cw.first.pk]),
        {"venue-unit_code": "P-A", "venue-attendance": "1"},
    )
    assert response.status_code == 422
    assert "An on-site meeting has no sub-venues" in response.content.decode()
    assert not cw.first.venues.exists()


# --- The release pages ----------------------------------------------------------------------


def test_release_editor_flow(cw: ConfWorld) -> None:
    c = client(cw, "office")
    pk = cw.third.pk
    url = reverse("conferences:release", args=[pk])
    assert "Generate from the record" in c.get(url).content.decode()
    c.post(reverse("conferences:release_generate", args=[pk]))
    page = c.get(url).content.decode()
    assert "省委召开主题教育第三次推进会" in page
    assert "Provincial Party Committee Holds Third Promotion Conference" in page
    bad = c.post(url, {"headline_zh": "", "body_zh": "x", "headline_en": "y", "body_en": "z"})
    assert bad.status_code == 422
    c.post(url, {"headline_zh": "标题", "body_zh": "正文", "headline_en": "H", "body_en": "Body"})
    page = c.get(url).content.decode()
    assert "标题" in page and "Body" in page
    c.post(reverse("conferences:release_publish", args=[pk]))
    page = c.get(url).content.decode()
    assert "Published by office" in page and 'id="release-form"' not in page
    c.post(url, {"headline_zh": "又改", "body_zh": "x", "headline_en": "y", "body_en": "z"})
    assert "又改" not in c.get(url).content.decode()
    printed = c.get(reverse("conferences:release_print", args=[pk]) + "?lang=zh").content.decode()
    assert "<h1>标题</h1>" in printed and "style=" not in printed and "<script>" not in printed
    assert c.get(reverse("conferences:release_print", args=[pk]) + "?lang=fr").status_code == 404


def test_release_docx_download(cw: ConfWorld) -> None:
    from docx import Document

    services.release_generate(actor=cw.office, conference=cw.third)
    c = client(cw, "city_admin")
    response = c.get(reverse("conferences:release_docx", args=[cw.third.pk]) + "?lang=zh")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "省委召开主题教育第三次推进会" in text and "陈求发" in text
    assert c.get(reverse("conferences:release_docx", args=[cw.city_conf.pk])).status_code == 404


def test_exports(cw: ConfWorld) -> None:
    services.deployed_item_create(
        actor=cw.office,
        conference=cw.third,
        title="=HYPERLINK(1)",
        units=[cw.city_a, cw.city_b],
        time_limit=timezone.localdate() + dt.timedelta(days=30),
    )
    c = client(cw, "office")
    rows = read_back_xlsx(c.get(reverse("conferences:list") + "?export=xlsx").getvalue())
    assert len(rows) == 4
    third = next(r for r in rows if r[2] == cw.third.title)
    assert third[7] == 2 and third[8] == 215 and third[9] == 1
    rows = read_back_xlsx(c.get(reverse("conferences:list") + "?export=deployed").getvalue())
    assert [r[2] for r in rows[1:]] == ["沈阳市", "大连市"]
    assert rows[1][1] == "'=HYPERLINK(1)"
    rows = read_back_xlsx(
        client(cw, "city_admin").get(reverse("conferences:list") + "?export=deployed").getvalue()
    )
    assert [r[2] for r in rows[1:]] == ["沈阳市"]
    assert c.get(reverse("conferences:list") + "?campaign=abc").status_code == 404
