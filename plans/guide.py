"""The welfare guide (복지 안내 책자, issue 17): generated from the resource directory, always current, grouped by
life stage (pregnancy and infancy, childhood, youth, middle age, old age) and by recipient type. One query for the
district's active resources; the booklet page, its HTML download and the PDF all read :func:`welfare_guide`."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _

from welfare.common.dates import seoul_today
from welfare.models import District

from .models import LifeStage, RecipientType, Resource

FONT = "NanumGothic"
FONT_PATH = Path(settings.BASE_DIR) / "static" / "vendor" / "fonts" / "NanumGothic.ttf"


@dataclass
class GuideSection:
    code: str
    title: str
    resources: list[Resource] = field(default_factory=list)


@dataclass
class Guide:
    district: District
    on: dt.date
    by_life_stage: list[GuideSection]
    by_recipient: list[GuideSection]
    total: int


def welfare_guide(district: District, *, on: dt.date | None = None) -> Guide:
    """The district's active resources under each life stage and each recipient type (a resource with none listed
    appears under every one, as it serves everyone). One query."""
    resources = list(Resource.objects.filter(district=district, is_active=True)
                     .order_by("category", "name", "pk"))
    stages = [GuideSection(code, str(label)) for code, label in LifeStage.choices]
    recipients = [GuideSection(code, str(label)) for code, label in RecipientType.choices]
    for r in resources:
        for section in stages:
            if not r.life_stages or section.code in r.life_stages:
                section.resources.append(r)
        for section in recipients:
            if section.code in (r.recipients or []):
                section.resources.append(r)
    anyone = GuideSection("anyone", _("누구나"), [r for r in resources if not r.recipients])
    return Guide(district, on or seoul_today(), stages, [*recipients, anyone], len(resources))


@cache
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH)))
    return FONT


def guide_pdf(guide: Guide) -> bytes:
    """The guide as an A5 booklet PDF (reportlab, the tool of the signed consent PDF; NanumGothic embedded)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=8.5, leading=12, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=16, leading=22, alignment=1, spaceAfter=6 * mm)
    part = ParagraphStyle("part", parent=base, fontSize=13, leading=18, spaceBefore=2 * mm, spaceAfter=3 * mm,
                          textColor=colors.HexColor("#1f3d7a"))
    head = ParagraphStyle("head", parent=base, fontSize=11, leading=15, spaceBefore=4 * mm, spaceAfter=1 * mm,
                          textColor=colors.HexColor("#1f3d7a"))
    name = ParagraphStyle("name", parent=base, fontSize=9.5, leading=13, spaceBefore=2 * mm)
    small = ParagraphStyle("small", parent=base, textColor=colors.HexColor("#555555"))

    def p(text: str, style) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    story = [Spacer(1, 30 * mm), p(_("%(district)s 복지 안내") % {"district": guide.district.name}, title),
             p(_("%(on)s 기준 · 자원 %(n)s개") % {"on": f"{guide.on:%Y-%m-%d}", "n": guide.total}, small), PageBreak()]
    for heading, sections in ((_("생애주기별 안내"), guide.by_life_stage), (_("대상별 안내"), guide.by_recipient)):
        story.append(p(heading, part))
        for section in sections:
            story.append(p(section.title, head))
            if not section.resources:
                story.append(p(_("해당 자원이 없습니다."), small))
            for r in section.resources:
                story.append(p(f"{r.name} · {r.provider}", name))
                details = " · ".join(x for x in (r.get_category_display(), r.eligibility, r.contact) if x)
                if details:
                    story.append(p(details, small))
        story.append(PageBreak())
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A5, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                      bottomMargin=12 * mm, title=_("%(district)s 복지 안내") % {"district": guide.district.name},
                      author=guide.district.name).build(story)
    return out.getvalue()
