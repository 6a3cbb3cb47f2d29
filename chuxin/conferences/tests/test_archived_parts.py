"""Removing a participant, a sub-venue or a speech archives it: the row stays with
``archived_at`` set (and in the history), and it leaves the conference page, the list and its
exports, the API, the release, the calendar and the sight it gave; the presiding person and a
unit's sub-venue can be given again; who may remove is unchanged."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from icalendar import Calendar

from chuxin.conferences import services
from chuxin.conferences.models import ConferencePerson, Speech, SubVenue
from chuxin.conferences.release import release_facts
from chuxin.core.exports import read_back_xlsx
from chuxin.core.services import api_token_issue

from .conftest import ConfWorld

BASE = "/api/v1/conferences/"


def api(user: Any) -> Any:
    from django.test import Client

    _token, raw = api_token_issue(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def parts(cw: ConfWorld) -> tuple[ConferencePerson, SubVenue, Speech]:
    return (
        cw.third.persons.get(name="唐一军"),
        cw.third.venues.get(unit=cw.city_b),
        cw.third.speeches.get(speaker_name="陆治原"),
    )


def test_removing_on_the_page_archives_and_hides(cw: ConfWorld) -> None:
    person, venue, speech = parts(cw)
    c = cw.client_for(cw.office)
    url = reverse("conferences:detail", args=[cw.third.pk])
    page = c.get(url).content.decode()
    assert "唐一军" in page and "大连市" in page and "陆治原" in page
    for name, part in (("person", person), ("venue", venue), ("speech", speech)):
        response = c.post(reverse(f"conferences:{name}_remove", args=[part.pk]))
        assert response.status_code == 302, name
    for part in (person, venue, speech):
        part.refresh_from_db()  # still there
        assert part.archived_at is not None
        assert part.history.count() == 2  # added, archived
    page = c.get(url).content.decode()
    assert "唐一军" not in page and "陆治原" not in page
    assert "夏德仁" in page and "陈求发" in page  # the others stay
    assert "大连市" not in page.split('id="venues"')[1].split("</section>")[0]
    assert "120 people attending" in page  # 95 at 大连市 no longer added
    # Removed once: a second removal finds nothing.
    assert c.post(reverse("conferences:venue_remove", args=[venue.pk])).status_code == 404
    assert c.get(reverse("conferences:speech_edit", args=[speech.pk])).status_code == 404


def test_removed_parts_leave_the_api(cw: ConfWorld) -> None:
    person, venue, speech = parts(cw)
    c = api(cw.office)
    for path, part in (("persons", person), ("venues", venue), ("speeches", speech)):
        assert c.delete(f"{BASE}{path}/{part.pk}").status_code == 204
        part.refresh_from_db()
        assert part.archived_at is not None
        assert c.delete(f"{BASE}{path}/{part.pk}").status_code == 404
    pk = cw.third.pk
    assert [p["name"] for p in c.get(f"{BASE}{pk}/persons").json()] == ["夏德仁", "陈求发"]
    assert [v["unit"] for v in c.get(f"{BASE}{pk}/venues").json()] == ["沈阳市"]
    assert "陆治原" not in {s["speaker_name"] for s in c.get(f"{BASE}{pk}/speeches").json()}
    assert len(c.get(f"{BASE}{pk}/speeches").json()) == 2
    detail = c.get(f"{BASE}{pk}").json()
    assert {p["id"] for p in detail["persons"]} == set(
        cw.third.persons.exclude(pk=person.pk).values_list("pk", flat=True)
    )
    assert [v["id"] for v in detail["venues"]] == [cw.third.venues.get(unit=cw.city_a).pk]
    assert speech.pk not in {s["id"] for s in detail["speeches"]}
    body = json.dumps({"attendance": 3})
    response = c.patch(f"{BASE}venues/{venue.pk}", body, content_type="application/json")
    assert response.status_code == 404


def test_removed_parts_leave_exports_release_and_calendar(cw: ConfWorld) -> None:
    person, venue, speech = parts(cw)
    c = cw.client_for(cw.office)
    rows = read_back_xlsx(c.get(reverse("conferences:list") + "?export=xlsx").getvalue())
    third = next(r for r in rows if r[2] == cw.third.title)
    assert (third[7], third[8]) == (2, 215)
    services.person_remove(actor=cw.office, person=person)
    services.venue_remove(actor=cw.office, venue=venue)
    services.speech_remove(actor=cw.office, speech=speech)
    rows = read_back_xlsx(c.get(reverse("conferences:list") + "?export=xlsx").getvalue())
    third = next(r for r in rows if r[2] == cw.third.title)
    assert (third[7], third[8]) == (1, 120)
    assert ">1</td>" in c.get(reverse("conferences:list")).content.decode().replace(" ", "")
    facts = release_facts(cw.third, "zh")
    assert facts.venues == ["沈阳市"] and facts.attendance == 120
    assert "唐一军" not in {a.name for a in facts.attendees}
    release = services.release_generate(actor=cw.office, conference=cw.third)
    assert "陆治原" not in release.body_zh and "大连市设分会场" not in release.body_zh
    assert "唐一军" not in release.body_zh and "沈阳市" in release.body_zh
    ics = c.get(reverse("conferences:calendar", args=[cw.campaign.pk])).content
    [event] = [
        e
        for e in Calendar.from_ical(ics).walk()
        if e.name == "VEVENT" and str(e["summary"]) == cw.third.title
    ]
    assert "1 sub-venue(s)" in str(event["description"])
    assert SubVenue.objects.filter(pk=venue.pk).exists()


def test_a_removed_presiding_person_can_be_replaced(cw: ConfWorld) -> None:
    c = api(cw.office)
    pk = cw.third.pk
    new = {"role": "presiding", "name": "张国清"}
    response = c.post(f"{BASE}{pk}/persons", json.dumps(new), content_type="application/json")
    assert response.status_code == 422 and "role" in response.json()["detail"]
    presiding = cw.third.persons.get(role="presiding")
    assert c.delete(f"{BASE}persons/{presiding.pk}").status_code == 204
    response = c.post(f"{BASE}{pk}/persons", json.dumps(new), content_type="application/json")
    assert response.status_code == 201
    assert list(
        cw.third.persons.live().filter(role="presiding").values_list("name", flat=True)
    ) == ["张国清"]
    assert cw.third.persons.filter(role="presiding").count() == 2  # the removed one stays
    detail = c.get(f"{BASE}{pk}").json()
    assert [p["name"] for p in detail["persons"] if p["role"] == "presiding"] == ["张国清"]


def test_a_unit_whose_sub_venue_was_removed_can_host_again(cw: ConfWorld) -> None:
    venue = cw.third.venues.get(unit=cw.city_b)
    services.venue_remove(actor=cw.office, venue=venue)
    again = services.venue_add(actor=cw.office, conference=cw.third, unit=cw.city_b, attendance=7)
    assert again.pk != venue.pk
    assert SubVenue.objects.filter(conference=cw.third, unit=cw.city_b).count() == 2
    assert list(cw.third.venues.live().values_list("attendance", flat=True)) == [120, 7]


def test_new_parts_come_after_the_last_live_one(cw: ConfWorld) -> None:
    first = cw.third.speeches.order_by("order").first()
    assert first is not None
    services.speech_remove(actor=cw.office, speech=first)
    speech = services.speech_add(
        actor=cw.office, conference=cw.third, kind="other", speaker_name="发言人"
    )
    orders = list(cw.third.speeches.live().values_list("order", flat=True))
    assert orders == [2, 3, 4] and speech.order == 4


def test_a_removed_part_no_longer_brings_the_conference_into_sight(cw: ConfWorld) -> None:
    url = reverse("conferences:detail", args=[cw.third.pk])
    member = cw.client_for(cw.member_user)  # attends it (夏德仁)
    city = cw.client_for(cw.city_admin)  # hosts the sub-venue of 沈阳市
    assert member.get(url).status_code == 200 and city.get(url).status_code == 200
    services.person_remove(actor=cw.office, person=cw.third.persons.get(name="夏德仁"))
    services.venue_remove(actor=cw.office, venue=cw.third.venues.get(unit=cw.city_a))
    assert member.get(url).status_code == 404 and city.get(url).status_code == 404


def test_who_may_remove_is_unchanged(cw: ConfWorld) -> None:
    person, venue, speech = parts(cw)
    for user in (cw.city_admin, cw.member_user):  # see it, do not manage the province
        c = cw.client_for(user)
        for name, part in (("person", person), ("venue", venue), ("speech", speech)):
            assert c.post(reverse(f"conferences:{name}_remove", args=[part.pk])).status_code == 403
        token = api(user)
        assert token.delete(f"{BASE}venues/{venue.pk}").status_code == 403
    other = cw.client_for(cw.other_county_admin)  # does not see it
    assert other.post(reverse("conferences:venue_remove", args=[venue.pk])).status_code == 404
    for part in (person, venue, speech):
        part.refresh_from_db()
        assert part.archived_at is None
