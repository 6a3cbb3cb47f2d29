"""A briefing as a Word document (python-docx) and as a PDF (WeasyPrint), in one language,
with its chart drawn on the server: SVG (from a template) in the PDF, PNG (Pillow) in the
Word file. Chinese text needs a CJK font: the PDF's CSS names WenQuanYi Micro Hei (Debian's
``fonts-wqy-microhei``); the PNG chart loads that font's file when it is installed."""

from __future__ import annotations

import io
import os
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from .models import Briefing

CJK_FONT_FAMILY = "WenQuanYi Micro Hei"
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)
BAR_CHART_UNITS = 12


def cjk_font_file() -> str | None:
    return next((path for path in CJK_FONT_FILES if os.path.exists(path)), None)


def issue_label(briefing: Briefing, lang: str) -> str:
    if briefing.number is None:
        return "\uff08草稿\uff09" if lang == "zh" else "(draft)"
    return f"第{briefing.number}期" if lang == "zh" else f"No. {briefing.number}"


def _chart_rows(briefing: Briefing) -> list[tuple[str, float]]:
    chart = briefing.data.get("chart") or {}
    pairs = [
        (str(name), float(value))
        for name, value in zip(chart.get("categories", []), chart.get("values", []), strict=False)
        if value is not None
    ]
    return pairs[:BAR_CHART_UNITS]


def chart_title(briefing: Briefing, lang: str) -> str:
    chart = briefing.data.get("chart") or {}
    label = (chart.get("label") or {}).get(lang, "")
    if not label:
        return ""
    return f"{label}\uff08按下级单位\uff09" if lang == "zh" else f"{label} by sub-unit"


def chart_svg(briefing: Briefing, lang: str) -> str:
    """A horizontal bar chart as SVG markup ("" when there is nothing to draw)."""
    rows = _chart_rows(briefing)
    if not rows:
        return ""
    fmt = (briefing.data.get("chart") or {}).get("fmt", "count")
    top = max((v for _n, v in rows), default=0) or 1
    scale_max = 100.0 if fmt == "percent" else top
    bar_left, bar_width, row_h = 180, 300, 22
    bars = [
        {
            "y": 10 + i * row_h,
            "text_y": 10 + i * row_h + 15,
            "name": name,
            "width": max(1, round(bar_width * value / scale_max)),
            "value": f"{value:g}%" if fmt == "percent" else f"{value:g}",
            "value_x": bar_left + max(1, round(bar_width * value / scale_max)) + 4,
        }
        for i, (name, value) in enumerate(rows)
    ]
    return render_to_string(
        "oversight/chart.svg",
        {
            "bars": bars,
            "height": 20 + len(rows) * row_h,
            "bar_left": bar_left,
            "font": CJK_FONT_FAMILY,
            "title": chart_title(briefing, lang),
        },
    )


def chart_png(briefing: Briefing, lang: str) -> bytes | None:
    """The same chart as a PNG for Word (None when there is nothing to draw)."""
    rows = _chart_rows(briefing)
    if not rows:
        return None
    from PIL import Image, ImageDraw, ImageFont

    fmt = (briefing.data.get("chart") or {}).get("fmt", "count")
    font_file = cjk_font_file()
    font: Any = ImageFont.truetype(font_file, 22) if font_file else ImageFont.load_default()
    scale = 2
    bar_left, bar_width, row_h = 180 * scale, 300 * scale, 22 * scale
    height = 20 * scale + len(rows) * row_h
    image = Image.new("RGB", (bar_left + bar_width + 120 * scale, height), "white")
    draw = ImageDraw.Draw(image)
    top = max(v for _n, v in rows) or 1
    scale_max = 100.0 if fmt == "percent" else top
    for i, (name, value) in enumerate(rows):
        y = 10 * scale + i * row_h
        width = max(2, round(bar_width * value / scale_max))
        draw.text((8, y + 4), name[:14], fill="#212529", font=font)
        draw.rectangle((bar_left, y + 4, bar_left + width, y + row_h - 6), fill="#b02a37")
        label = f"{value:g}%" if fmt == "percent" else f"{value:g}"
        draw.text((bar_left + width + 8, y + 4), label, fill="#212529", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def texts(briefing: Briefing, lang: str) -> tuple[str, str]:
    if lang == "zh":
        return briefing.title_zh, briefing.body_zh
    return briefing.title_en, briefing.body_en


def briefing_docx(briefing: Briefing, lang: str) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    title, body = texts(briefing, lang)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = CJK_FONT_FAMILY
    style.font.size = Pt(11)
    # East Asian text takes its font from w:eastAsia, not from the Latin name.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT_FAMILY)
    document.add_paragraph(issue_label(briefing, lang))
    document.add_heading(title, level=1)
    for line in body.splitlines():
        if line.strip():
            document.add_paragraph(line)
    png = chart_png(briefing, lang)
    if png:
        document.add_paragraph(chart_title(briefing, lang))
        document.add_picture(io.BytesIO(png), width=Cm(15))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def briefing_pdf(briefing: Briefing, lang: str) -> bytes:
    from weasyprint import HTML

    title, body = texts(briefing, lang)
    with translation.override("zh-hans" if lang == "zh" else "en"):
        html = render_to_string(
            "oversight/briefing_print.html",
            {
                "briefing": briefing,
                "issue": issue_label(briefing, lang),
                "title": title,
                "paragraphs": [line for line in body.splitlines() if line.strip()],
                "chart": chart_svg(briefing, lang),
                "font": CJK_FONT_FAMILY,
                "lang": "zh-Hans" if lang == "zh" else "en",
            },
        )
    return bytes(HTML(string=html).write_pdf())
