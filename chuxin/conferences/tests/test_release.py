# ruff: noqa: RUF001 - Chinese text uses full-width punctuation
"""The news release from the record: the facts of each conference in order, in Chinese and
English whatever the UI language, nothing of another conference; edit, publish, .docx."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from chuxin.conferences import services
from chuxin.conferences.models import Conference, Release

from .conftest import MAIN_POINTS, MAIN_POINTS_EN, ConfWorld


def in_order(text: str, *parts: str) -> None:
    """Every part appears in the text, each after the one before."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after position {at} in:\n{text}"
        at = found + len(part)


def generate(cw: ConfWorld, conference: Conference) -> Release:
    return services.release_generate(actor=cw.office, conference=conference)


def test_third_conference_in_chinese(cw: ConfWorld) -> None:
    release = generate(cw, cw.third)
    assert release.headline_zh == "省委召开主题教育第三次推进会"
    text = release.body_zh
    in_order(
        text,
        "省委召开“不忘初心、牢记使命”主题教育第三次推进会",
        "省委书记、省人大常委会主任，省委主题教育领导小组组长陈求发主持会议并讲话",
        "省委副书记、省长，省委主题教育领导小组副组长唐一军",
        "省政协主席，省委主题教育领导小组副组长夏德仁",
        "有关省领导出席会议",
        "陈求发指出，" + MAIN_POINTS[0],
        "陈求发强调：",
        "一是" + MAIN_POINTS[1],
        "二是" + MAIN_POINTS[2],
        "三是" + MAIN_POINTS[3],
        "四是" + MAIN_POINTS[4],
        "省委常委、组织部部长陆治原对主题教育第二批有关工作作了部署",
        "大连市委（整治形式主义为基层减负）等专项整治牵头单位负责同志作了发言",
        "会议以电视电话会议形式召开",
        "主会场设在省委常委会议室",
        "沈阳市、大连市设分会场",
        "共215人参加会议",
        "沈阳市分会场由市委书记张国清主持",
    )
    for other in ("周波", "友谊宾馆", "第一次", "沈阳市委"):
        assert other not in text + release.headline_zh


def test_third_conference_in_english(cw: ConfWorld) -> None:
    release = generate(cw, cw.third)
    assert release.headline_en == (
        "Provincial Party Committee Holds Third Promotion Conference on Thematic Education"
    )
    in_order(
        release.body_en,
        "the provincial party committee held the third promotion conference on the theme of "
        "“Never forget the original aspiration, keep the mission firmly in mind”",
        "Chen Qiufa, secretary of the Provincial Party Committee, head of the leading group, "
        "presided over the meeting and made a speech.",
        "The meeting was attended by Tang Yijun, deputy secretary of the Provincial Party "
        "Committee, Governor; Xia Deren, chairman of the Provincial CPPCC Committee; and "
        "relevant provincial leaders.",
        "Chen Qiufa pointed out that since the launching of the second batch",
        "Chen Qiufa stressed: First, we should conscientiously study",
        "Second, we should continue",
        "Third, we should carry forward",
        "Fourth, we should hold special democratic life meetings",
        "Lu Zhiyuan, member of the Standing Committee, Minister of the Organization Department, "
        "deployed the second batch of work related to thematic education.",
        "The responsible comrades of the leading units of the special rectifications made "
        "speeches: the Dalian municipal party committee on easing the burden on the grassroots.",
        "The meeting was held in the form of a teleconference, with the main venue at the "
        "meeting room of the Standing Committee and sub-venues in Shenyang and Dalian, where "
        "215 people attended.",
        "The sub-venue in Shenyang was chaired by 张国清, 市委书记.",
    )
    assert "Zhou Bo" not in release.body_en
    assert "Friendship" not in release.body_en


@pytest.mark.parametrize("ui", ["en", "zh-hans"])
def test_both_languages_whatever_the_ui_language(cw: ConfWorld, ui: str) -> None:
    with translation.override(ui):
        release = generate(cw, cw.first)
    assert release.headline_zh == "省委召开主题教育第一次推进会"
    assert release.headline_en.startswith("Provincial Party Committee Holds First Promotion")
    in_order(release.body_zh, "省委副书记周波主持会议并讲话", "周波指出，扎实开展第一批主题教育。")
    in_order(release.body_zh, "周波强调：确保取得实效。", "会议在友谊宾馆召开。")
    in_order(
        release.body_en,
        "Zhou Bo, deputy secretary of the Provincial Party Committee, presided over the meeting "
        "and made a speech.",
        "Zhou Bo pointed out that carry out the first batch solidly.",
        "Zhou Bo stressed: Ensure real results.",
        "The meeting was held at the Friendship Hotel.",
    )
    for leak in ("陈求发", "唐一军", "陆治原", "分会场", "电视电话", "大连"):
        assert leak not in release.body_zh
    for leak in ("Chen Qiufa", "teleconference", "sub-venue", "Dalian", "Lu Zhiyuan"):
        assert leak not in release.body_en


def test_a_conference_with_a_different_host_and_more_speeches(cw: ConfWorld) -> None:
    """The host is not the main speaker; an extra attendee; another speech; video format;
    fields left without English fall back to the Chinese text."""
    conf = cw.city_conf
    services.person_add(
        actor=cw.city_admin, conference=conf, role="presiding", name="王市长", position="市长"
    )
    services.speech_add(
        actor=cw.city_admin,
        conference=conf,
        kind="main",
        speaker_name="李书记",
        position="市委书记",
        key_points="抓好整改\n建立长效机制\n压实责任",
    )
    services.speech_add(
        actor=cw.city_admin,
        conference=conf,
        kind="other",
        speaker_name="赵局长",
        position="市教育局局长",
        topic="教育系统整改情况",
    )
    services.venue_add(actor=cw.city_admin, conference=conf, unit=cw.county_a, attendance=40)
    release = services.release_generate(actor=cw.city_admin, conference=conf)
    assert release.headline_zh == "沈阳市委召开主题教育第四次推进会"
    in_order(
        release.body_zh,
        "市长王市长主持会议。",
        "市委书记李书记在会上讲话。",
        "李书记指出，抓好整改。",
        "李书记强调：一是建立长效机制。二是压实责任。",
        "市教育局局长赵局长就教育系统整改情况作了发言",
        "会议以视频会议形式召开，和平区设分会场，各分会场共40人参加会议。",
    )
    assert "并讲话" not in release.body_zh
    assert release.headline_en == "沈阳市委 Holds Fourth Promotion Conference on Thematic Education"
    in_order(
        release.body_en,
        "王市长, 市长, presided over the meeting.",
        "李书记, 市委书记, made a speech at the meeting.",
        "李书记 stressed: First, 建立长效机制. Second, 压实责任.",
        "赵局长, 市教育局局长, spoke on 教育系统整改情况.",
        "The meeting was held in the form of a video conference, with sub-venues in 和平区, "
        "where 40 people attended.",
    )
    for leak in ("陈求发", "省委常委会议室", "Chen Qiufa", "Shenyang"):
        assert leak not in release.body_zh + release.body_en


def test_regenerate_follows_the_record(cw: ConfWorld) -> None:
    generate(cw, cw.third)
    services.venue_add(actor=cw.office, conference=cw.third, unit=cw.county_b, attendance=5)
    release = generate(cw, cw.third)
    assert "沈阳市、大连市、中山区设分会场" in release.body_zh
    assert "共220人" in release.body_zh
    assert Release.objects.count() == 1


def test_edit_publish_freeze(cw: ConfWorld) -> None:
    release = generate(cw, cw.third)
    services.release_update(
        actor=cw.office,
        release=release,
        headline_zh="改过的标题",
        body_zh="第一段\n第二段",
        headline_en="Edited headline",
        body_en="First paragraph\nSecond",
    )
    release.refresh_from_db()
    assert release.paragraphs("zh") == ["第一段", "第二段"]
    assert release.edited_by == cw.office
    with pytest.raises(ValidationError) as bad:
        services.release_update(
            actor=cw.office, release=release, headline_zh=" ", body_zh="x", headline_en="y",
            body_en="",
        )  # fmt: skip
    assert set(bad.value.message_dict) == {"headline_zh", "body_en"}
    services.release_publish(actor=cw.office, release=release)
    release.refresh_from_db()
    assert release.published_by == cw.office and release.published_at is not None
    with pytest.raises(ValidationError):
        generate(cw, cw.third)
    with pytest.raises(ValidationError):
        services.release_update(
            actor=cw.office, release=release, headline_zh="a", body_zh="b", headline_en="c",
            body_en="d",
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.release_publish(actor=cw.office, release=release)
    release.refresh_from_db()
    assert release.headline_zh == "改过的标题"


def test_docx_reads_back(cw: ConfWorld) -> None:
    from docx import Document

    from chuxin.conferences.release import release_docx

    release = generate(cw, cw.third)
    for lang in ("zh", "en"):
        doc = Document(io.BytesIO(release_docx(release, lang)))
        texts = [p.text for p in doc.paragraphs if p.text]
        assert texts[0] == release.headline(lang)
        assert doc.paragraphs[0].style.name.startswith("Heading")
        assert texts[1:] == release.paragraphs(lang)
    assert MAIN_POINTS_EN[0][:20].lower() in release.body_en.lower()


def test_ordinals() -> None:
    from chuxin.conferences.release import en_ordinal, zh_number

    assert [zh_number(n) for n in (1, 3, 10, 11, 20, 23, 99)] == [
        "一", "三", "十", "十一", "二十", "二十三", "九十九",
    ]  # fmt: skip
    assert [en_ordinal(n) for n in (1, 3, 12, 20, 21, 22, 23, 111)] == [
        "first", "third", "twelfth", "twentieth", "21st", "22nd", "23rd", "111th",
    ]  # fmt: skip


def test_a_paragraph_mark_in_the_record_does_not_split_the_release(cw: ConfWorld) -> None:
    services.person_add(actor=cw.office, conference=cw.first, role="attendee", name="甲¶乙")
    release = generate(cw, cw.first)
    assert "甲乙出席会议" in release.body_zh


def test_a_report_links_a_special_of_the_same_campaign(cw: ConfWorld) -> None:
    import datetime as dt

    from chuxin.organization.models import Campaign
    from chuxin.rectification import specials

    other = Campaign.objects.create(
        title="另一次",
        theme="另一次",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2020, 12, 31),
        root_unit=cw.province,
    )
    foreign = specials.special_create(
        actor=cw.office, campaign=other, name="别的专项", leading_unit=cw.city_a
    )
    with pytest.raises(ValidationError) as bad:
        services.speech_add(actor=cw.office, conference=cw.third, kind="special", special=foreign)
    assert "special" in bad.value.message_dict
    with pytest.raises(ValidationError) as bad:
        services.speech_add(
            actor=cw.office, conference=cw.third, kind="other", speaker_name="x", special=cw.special
        )
    assert "special" in bad.value.message_dict
