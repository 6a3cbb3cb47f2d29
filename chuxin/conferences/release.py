# ruff: noqa: RUF001 - Chinese text uses full-width punctuation
"""The news release written from a conference's record, in Chinese and in English.

The facts are gathered once (:func:`release_facts`) in the language asked for, then put in
the register of a provincial news report by one text template per language
(``conferences/release/zh.txt`` and ``en.txt``), whatever the reader's UI language. In a
template, a line "¶" ends a paragraph; the other lines of a paragraph are joined (with
nothing in Chinese, a space in English), so a template can be laid out for reading.
Also: the .docx export (python-docx).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from .models import Conference, ConferenceFormat, PersonRole, Release, SpeechKind

LANGUAGES = ("zh", "en")

_ZH_DIGITS = "零一二三四五六七八九"
_EN_ORDINALS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]
_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def zh_number(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 20 → 二十, 99 → 九十九; larger numbers as digits."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _ZH_DIGITS[tens]) + "十"
    if ones:
        text += _ZH_DIGITS[ones]
    return text


def en_ordinal(n: int) -> str:
    """3 → third; past twenty, 21st, 22nd, 23rd, 24th..."""
    if 0 < n < len(_EN_ORDINALS):
        return _EN_ORDINALS[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _sentence(text: str, lang: str) -> str:
    """A key point as a sentence that ends with one full stop."""
    text = text.replace("¶", "").strip().rstrip("。.；;，,")
    return text + ("。" if lang == "zh" else ".")


def _lower_first(text: str) -> str:
    """ "Since ..." → "since ..." after "pointed out that"; "CPC ..." stays."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _en_title(text: str) -> str:
    words = text.strip().split()
    if words and words[0].lower() == "the":
        words = words[1:]
    small = {"of", "on", "and", "the", "for", "in", "at"}
    return " ".join(
        w if (i and w.lower() in small) else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


@dataclass
class Who:
    name: str
    position: str


@dataclass
class MainSpeech:
    speaker: Who
    by_presider: bool
    first_point: str
    other_points: list[tuple[str, str]]  # ("二是" / "Second,", the point)


@dataclass
class Facts:
    """Everything the release says, in one language."""

    lang: str
    date: str
    organizer: str
    organizer_title: str
    theme: str
    ordinal: str
    ordinal_title: str
    presiding: Who | None
    presider_speaks: bool
    attendees: list[Who]
    other_attendees: str
    main_speeches: list[MainSpeech]
    deployments: list[tuple[Who, str]]
    specials: list[tuple[str, str]]  # (leading unit / its comrade, programme)
    other_speeches: list[tuple[Who, str]]
    format: str
    main_venue: str
    venues: list[str]
    chairs: list[tuple[str, Who]]
    attendance: int
    venues_text: str = ""


def _point_label(n: int, lang: str) -> str:
    return f"{zh_number(n)}是" if lang == "zh" else f"{en_ordinal(n).capitalize()},"


def _join(items: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _pick(lang: str, zh: str, en: str) -> str:
    """The English text where there is one (in English), else the Chinese; never the
    template's paragraph mark."""
    return ((en or zh) if lang == "en" else zh).replace("¶", "")


def release_facts(conference: Conference, lang: str) -> Facts:
    """The conference's record as the release in ``lang`` tells it (4 queries): its live
    participants, speeches and sub-venues (those taken off the record are archived)."""
    c = conference
    persons = list(c.persons.live())
    speeches = list(c.speeches.live().select_related("special__leading_unit"))
    venues = list(c.venues.live().select_related("unit"))
    start = timezone.localtime(c.starts_at)
    if lang == "zh":
        date = f"{start.month}月{start.day}日"
    else:
        date = f"{_EN_MONTHS[start.month - 1]} {start.day}"
    organizer = _pick(lang, c.organizer_label or c.organizer.name, c.organizer_label_en)
    presiding = next((p for p in persons if p.role == PersonRole.PRESIDING), None)

    def who_p(p: Any) -> Who:
        return Who(_pick(lang, p.name, p.name_en), _pick(lang, p.position, p.position_en))

    def who_s(s: Any) -> Who:
        return Who(
            _pick(lang, s.speaker_name, s.speaker_name_en), _pick(lang, s.position, s.position_en)
        )

    mains = []
    presider_speaks = False
    for s in speeches:
        if s.kind != SpeechKind.MAIN:
            continue
        points = [
            p for p in (s.key_points_en if lang == "en" and s.key_points_en else s.key_points) if p
        ]
        by_presider = presiding is not None and s.speaker_name == presiding.name
        presider_speaks = presider_speaks or by_presider
        first = _sentence(points[0], lang) if points else ""
        if lang == "en":
            first = _lower_first(first)
        rest = [_sentence(p, lang) for p in points[1:]]
        numbered = [
            (_point_label(i, lang), _lower_first(p) if lang == "en" else p)
            if len(rest) > 1
            else ("", p)
            for i, p in enumerate(rest, 1)
        ]
        mains.append(MainSpeech(who_s(s), by_presider, first, numbered))
    specials = []
    for s in speeches:
        if s.kind == SpeechKind.SPECIAL_REPORT:
            unit_name = s.special.leading_unit.name if s.special else ""
            specials.append(
                (
                    _pick(lang, s.position or unit_name, s.position_en),
                    _pick(lang, s.topic or (s.special.name if s.special else ""), s.topic_en),
                )
            )
    fmt = c.format
    return Facts(
        lang=lang,
        date=date,
        organizer=organizer,
        organizer_title=_en_title(organizer) if lang == "en" else organizer,
        theme=_pick(lang, c.theme or c.campaign.theme, c.theme_en),
        ordinal=f"第{zh_number(c.ordinal)}次" if lang == "zh" else en_ordinal(c.ordinal),
        ordinal_title=en_ordinal(c.ordinal).capitalize() if lang == "en" else "",
        presiding=who_p(presiding) if presiding else None,
        presider_speaks=presider_speaks,
        attendees=[who_p(p) for p in persons if p.role == PersonRole.ATTENDEE],
        other_attendees=_pick(lang, c.other_attendees, c.other_attendees_en),
        main_speeches=mains,
        deployments=[
            (who_s(s), _pick(lang, s.topic, s.topic_en))
            for s in speeches
            if s.kind == SpeechKind.DEPLOYMENT
        ],
        specials=specials,
        other_speeches=[
            (who_s(s), _pick(lang, s.topic, s.topic_en))
            for s in speeches
            if s.kind == SpeechKind.OTHER
        ],
        format=str(fmt),
        main_venue=_pick(lang, c.main_venue, c.main_venue_en),
        venues=[_pick(lang, v.unit.name, v.label_en) for v in venues],
        chairs=[
            (
                _pick(lang, v.unit.name, v.label_en),
                Who(
                    _pick(lang, v.chaired_by, v.chaired_by_en),
                    _pick(lang, v.chaired_by_position, v.chaired_by_position_en),
                ),
            )
            for v in venues
            if v.chaired_by
        ],
        attendance=sum(v.attendance for v in venues),
        venues_text=_join([_pick(lang, v.unit.name, v.label_en) for v in venues], lang),
    )


def _paragraphs(text: str, lang: str) -> list[str]:
    joiner = "" if lang == "zh" else " "
    out = []
    for block in text.split("¶"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines:
            para = joiner.join(lines)
            if lang == "en":
                para = re.sub(r" +([,.;:])", r"\1", re.sub(r"\s+", " ", para))
            out.append(para)
    return out


def render_release(conference: Conference, lang: str) -> tuple[str, str]:
    """(headline, body) of the release in ``lang`` ("zh" or "en"); paragraphs of the body are
    separated by one newline."""
    if lang not in LANGUAGES:
        raise ValueError(lang)
    facts = release_facts(conference, lang)
    text = render_to_string(
        f"conferences/release/{lang}.txt",
        {"f": facts, "formats": ConferenceFormat},
    )
    paragraphs = _paragraphs(text, lang)
    return paragraphs[0], "\n".join(paragraphs[1:])


def release_docx(release: Release, lang: str) -> bytes:
    """The release as a Word document: the headline styled as a title, then its paragraphs."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    if lang == "zh":
        # East Asian text needs an East Asian font name, or Word falls back oddly.
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    document.core_properties.title = release.headline(lang)
    document.core_properties.language = "zh-CN" if lang == "zh" else "en"
    heading = document.add_heading(release.headline(lang), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in release.paragraphs(lang):
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(24)
        paragraph.paragraph_format.space_after = Pt(6)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
