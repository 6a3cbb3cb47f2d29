"""The organization pages, as a person uses them: browse, search, export, edit."""

from __future__ import annotations

import csv
import io

from django.test import Client

from chuxin.core.exports import read_back_xlsx
from chuxin.organization import services
from chuxin.organization.models import Member, Unit
from conftest import World


def test_tree_children_load_on_demand_with_counts(world: World) -> None:
    client = world.client_for(world.office)
    page = client.get("/org/units/").content.decode()
    assert "辽宁省" in page and "沈阳市" not in page  # children are not loaded up front
    rows = client.get(f"/org/units/{world.province.pk}/children/", HTTP_HX_REQUEST="true")
    html = rows.content.decode()
    assert "沈阳市" in html and "大连市" in html
    assert "<html" not in html  # an htmx request gets just the rows
    assert "2 members" in html  # 沈阳市's subtree


def test_county_admin_tree_starts_at_their_county(world: World) -> None:
    page = world.client_for(world.other_county_admin).get("/org/units/").content.decode()
    assert "中山区" in page and "辽宁省" not in page


def test_unit_page_shows_breadcrumbs_figures_members_roles(world: World) -> None:
    page = world.client_for(world.office).get(f"/org/units/{world.county_a.pk}/").content.decode()
    for text in ("辽宁省", "沈阳市", "和平区", "南市场街道", "王芳", "guidance", "Add sub-unit"):
        assert text in page, text
    guidance_page = world.client_for(world.guidance).get(f"/org/units/{world.county_a.pk}/")
    assert b"Add sub-unit" not in guidance_page.content
    # The guidance member sees county A but not its city: the breadcrumbs stop at county A.
    assert "沈阳市" not in guidance_page.content.decode()


def test_pages_in_chinese_and_english(world: World) -> None:
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    zh.force_login(world.office)
    en = world.client_for(world.office)
    zh_page = zh.get(f"/org/units/{world.county_a.pk}/").content.decode()
    en_page = en.get(f"/org/units/{world.county_a.pk}/").content.decode()
    assert 'lang="zh-hans"' in zh_page and "下级单位" in zh_page
    assert 'lang="en"' in en_page and "Sub-units" in en_page
    # The user's choice overrides the browser's.
    response = zh.post("/i18n/setlang/", {"language": "en", "next": "/org/units/"})
    assert response.status_code == 302
    assert 'lang="en"' in zh.get("/org/units/").content.decode()


def test_member_list_search_filters_and_pages(world: World) -> None:
    for i in range(60):
        services.member_create(
            actor=world.root,
            unit=world.branch_a,
            member_number=f"M{i:03}",
            name=f"刘{i}",
            gender="female" if i % 2 else "male",
        )
    client = world.client_for(world.city_admin)
    page = client.get("/org/members/").content.decode()
    assert "62 members" in page and "Page 1 of 2" in page
    assert "赵强" not in page  # city B is outside the city administrator's scope
    page = client.get("/org/members/", {"gender": "female", "q": "刘"}).content.decode()
    assert "30 members" in page
    page = client.get("/org/members/", {"leading": "yes"}).content.decode()
    assert "1 member" in page and "王芳" in page
    partial = client.get("/org/members/", {"q": "刘1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "11 members" in partial


def test_member_export_xlsx_and_csv_apply_filters(world: World) -> None:
    client = world.client_for(world.office)
    response = client.get("/org/members/", {"unit": world.city_a.pk, "format": "xlsx"})
    assert response.status_code == 200
    rows = read_back_xlsx(b"".join(response.streaming_content))
    assert rows[0][:2] == ["Member number", "Name"]
    assert sorted(r[0] for r in rows[1:]) == ["A0001", "A0002"]
    response = client.get("/org/members/", {"format": "csv", "q": "赵强"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[1][:2] == ["B0001", "赵强"] and len(table) == 2


def test_unit_export_is_the_subtree(world: World) -> None:
    client = world.client_for(world.office)
    response = client.get("/org/units/search/", {"under": world.city_b.pk, "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    codes = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert codes == ["P-B", "P-B-1", "P-B-1-1"]


def test_export_cells_cannot_inject_formulas(world: World) -> None:
    services.member_create(
        actor=world.root,
        unit=world.branch_a,
        member_number="F1",
        name="=HYPERLINK(1)",
        gender="male",
    )
    response = world.client_for(world.office).get("/org/members/", {"q": "F1", "format": "xlsx"})
    rows = read_back_xlsx(b"".join(response.streaming_content))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_add_and_edit_unit_and_member_through_forms(world: World) -> None:
    client = world.client_for(world.city_admin)
    response = client.post(
        f"/org/units/{world.branch_a.pk}/add-unit/",
        {"code": "G1", "name": "第一党小组", "kind": "other", "order": "1"},
    )
    assert response.status_code == 302
    group = Unit.objects.get(code="G1")
    assert group.parent_id == world.branch_a.pk
    response = client.post(
        f"/org/units/{world.branch_a.pk}/add-unit/", {"code": "G1", "name": "x", "kind": "other"}
    )
    assert response.status_code == 200 and b"exists" in response.content
    response = client.post(
        f"/org/units/{group.pk}/add-member/",
        {"member_number": "G1-1", "name": "孙悦", "gender": "female", "cadre_level": "ordinary"},
    )
    assert response.status_code == 302
    member = Member.objects.get(member_number="G1-1")
    response = client.post(
        f"/org/members/{member.pk}/edit/",
        {
            "name": "孙悦",
            "gender": "female",
            "cadre_level": "section",
            "position": "组长",
            "is_leading_cadre": "on",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.position == "组长" and member.is_leading_cadre
    detail = client.get(f"/org/members/{member.pk}/").content.decode()
    assert "city_admin" in detail  # the audit trail names who changed it


def test_list_pages_have_bounded_queries(world: World, django_assert_max_num_queries) -> None:
    for i in range(40):
        unit = services.unit_create(
            actor=world.root, parent=world.county_a, code=f"C{i}", name=f"社区{i}", kind="village"
        )
        services.member_create(
            actor=world.root, unit=unit, member_number=f"C{i}", name=f"人{i}", gender="male"
        )
    client = world.client_for(world.office)
    client.get("/org/units/")  # warm the session
    with django_assert_max_num_queries(12):
        assert client.get("/org/members/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"/org/units/{world.county_a.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/org/units/search/").status_code == 200
    with django_assert_max_num_queries(10):
        client.get(f"/org/units/{world.county_a.pk}/children/", HTTP_HX_REQUEST="true")


def test_campaign_page(world: World) -> None:
    from datetime import date

    from chuxin.organization.models import Batch, BatchLink, BatchParticipation, Campaign

    campaign = Campaign.objects.create(
        title="主题教育",
        theme="不忘初心、牢记使命",
        start_date=date(2019, 6, 1),
        end_date=date(2019, 12, 31),
        root_unit=world.province,
    )
    batch = Batch.objects.create(
        campaign=campaign,
        number=2,
        name="第二批",
        start_date=date(2019, 9, 1),
        end_date=date(2019, 12, 31),
    )
    BatchParticipation.objects.create(batch=batch, unit=world.city_a)
    BatchLink.objects.create(campaign=campaign, upper_unit=world.city_a, lower_unit=world.county_b)
    client = world.client_for(world.city_admin)
    response = client.get("/org/campaigns/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "不忘初心、牢记使命" in page and "第二批" in page and "中山区" in page
    api = client.get(f"/api/v1/campaigns/{campaign.pk}").json()
    assert api["batches"][0]["unit_ids"] == [world.city_a.pk]
