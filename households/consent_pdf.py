"""The signed consent as a PDF (reportlab): the scope's legal text, the person, the date, the signer (the person or
a representative, with the relation), the signature drawn on the tablet, and the official who took it.

Korean text is set in NanumGothic (vendored in static/vendor/fonts/ with its OFL licence), embedded as a subset, so
the PDF reads the same on any computer and its text can be searched and extracted.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .consent_texts import AGREEMENT, CONSENT_TEXTS

FONT = "NanumGothic"
FONT_PATH = Path(settings.BASE_DIR) / "static" / "vendor" / "fonts" / "NanumGothic.ttf"


@dataclass(frozen=True)
class SignedConsent:
    scope: str
    resident_name: str
    resident_birth_date: dt.date | None
    dong_name: str
    granted_on: dt.date
    signed_at: dt.datetime
    recipients: str
    expires_on: dt.date | None
    representative_name: str
    representative_relation: str
    official_name: str
    consent_id: int
    signature_png: bytes


@cache
def _font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH)))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=24, alignment=1, spaceAfter=4 * mm),
        "law": ParagraphStyle("law", parent=base, fontSize=9, textColor=colors.HexColor("#555555"), alignment=1,
                              spaceAfter=6 * mm),
        "head": ParagraphStyle("head", parent=base, fontSize=10.5, textColor=colors.HexColor("#1f3d7a")),
        "body": base,
        "agree": ParagraphStyle("agree", parent=base, fontSize=11.5, leading=18, spaceBefore=6 * mm,
                                spaceAfter=4 * mm),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555")),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _signature(png: bytes) -> Image:
    reader = ImageReader(io.BytesIO(png))
    width, height = reader.getSize()
    box_w, box_h = 70 * mm, 28 * mm
    scale = min(box_w / width, box_h / height)
    return Image(io.BytesIO(png), width=width * scale, height=height * scale)


def render(consent: SignedConsent) -> bytes:
    """The PDF's bytes (one A4 page for one scope)."""
    text = CONSENT_TEXTS[consent.scope]
    styles = _styles()
    local = timezone.localtime(consent.signed_at)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=text.title, author=consent.dong_name, subject=f"{text.title} · {consent.resident_name}",
        creator="dong-welfare",
    )
    rows = [[_p(heading, styles["head"]), _p(body, styles["body"])]
            for heading, body in text.sections(recipients=consent.recipients)]
    if consent.expires_on:
        rows.append([_p("동의 유효 기한", styles["head"]), _p(f"{consent.expires_on:%Y-%m-%d}", styles["body"])])
    table = Table(rows, colWidths=[38 * mm, None])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b0b8c8")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    born = f" ({consent.resident_birth_date:%Y-%m-%d} 생)" if consent.resident_birth_date else ""
    if consent.representative_name:
        signer = f"대리인 {consent.representative_name} (정보주체와의 관계: {consent.representative_relation})"
    else:
        signer = f"본인 {consent.resident_name}"
    people = Table([
        [_p("정보주체", styles["head"]), _p(f"{consent.resident_name}{born}", styles["body"])],
        [_p("서명한 사람", styles["head"]), _p(signer, styles["body"])],
        [_p("동의일", styles["head"]), _p(f"{consent.granted_on:%Y년 %m월 %d일}", styles["body"])],
        [_p("서명", styles["head"]), _signature(consent.signature_png)],
        [_p("받은 공무원", styles["head"]), _p(f"{consent.dong_name} {consent.official_name}", styles["body"])],
    ], colWidths=[38 * mm, None])
    people.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b0b8c8")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f8")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story = [
        _p(text.title + "서", styles["title"]),
        _p(text.law, styles["law"]),
        table,
        _p(AGREEMENT, styles["agree"]),
        people,
        Spacer(1, 6 * mm),
        _p(f"동의 기록 번호 {consent.consent_id} · 태블릿 화면 서명 {local:%Y-%m-%d %H:%M} (한국 시간) · "
           "이 문서는 동 복지 사례관리 시스템이 서명 직후 만들어 암호화해 보관합니다.", styles["small"]),
    ]
    document.build(story)
    return out.getvalue()
