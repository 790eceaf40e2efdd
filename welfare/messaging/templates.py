"""The default wording of each purpose and the placeholders it may use.

A template is plain text with ``{name}`` placeholders (Python format fields without attribute or index access).
A district's own wording replaces the default of its purpose; only the placeholders listed here are allowed, so a
template can never reach anything the caller did not give.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import MessagePurpose

BODY_MAX = 1000  # LMS allows 2,000 bytes; Korean text is up to 2 bytes a character in EUC-KR

PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    MessagePurpose.REPORT_RECEIVED: ("district", "dong", "receipt", "link"),
    MessagePurpose.REPORT_STATUS: ("district", "dong", "receipt", "status", "link"),
    MessagePurpose.VISIT_REMINDER: ("district", "dong", "date", "time"),
    MessagePurpose.NETWORK_LOOK: ("district", "dong", "area", "note"),
    MessagePurpose.REGISTERED_MAIL: ("district", "dong"),
}

# Stored untranslated (Korean is the source language); shown through gettext where a page lists them.
DEFAULTS: dict[str, str] = {
    MessagePurpose.REPORT_RECEIVED: gettext_noop(
        "[{district}] 도움 요청이 접수되었습니다. 접수번호 {receipt}. {dong}에서 확인 후 연락드립니다. 진행 확인: {link}"
    ),
    MessagePurpose.REPORT_STATUS: gettext_noop(
        "[{district}] 접수번호 {receipt}: {status}. 자세한 내용: {link}"
    ),
    MessagePurpose.VISIT_REMINDER: gettext_noop(
        "[{district}] {dong} 복지 담당자가 {date}{time}에 연락드리거나 찾아뵐 예정입니다. 일정이 맞지 않으면 주민센터로 연락 주세요."
    ),
    MessagePurpose.NETWORK_LOOK: gettext_noop(
        "[{district}] {dong} {area}에 살펴봐 주실 이웃이 있습니다. {note} 자세한 내용은 주민센터 담당자에게 확인해 주세요."
    ),
    MessagePurpose.REGISTERED_MAIL: gettext_noop(
        "[{district}] {dong}에서 보낸 복지등기 우편이 도착합니다. 집배원이 전해 드립니다."
    ),
}


def placeholders_in(body: str) -> list[str]:
    """The field names of ``body``; ValueError when it is not a valid template (a lone brace)."""
    return [name for _text, name, _spec, _conv in Formatter().parse(body) if name is not None]


def body_problem(purpose: str, body: str) -> str | None:
    """Why ``body`` cannot be the wording of ``purpose``, or None."""
    if not body.strip():
        return _("문구를 적어 주세요.")
    if len(body) > BODY_MAX:
        return _("문구는 %(max)s자까지입니다.") % {"max": BODY_MAX}
    try:
        names = placeholders_in(body)
    except ValueError:
        return _("중괄호 { } 는 {dong} 처럼 짝을 맞춰 쓰세요.")
    allowed = PLACEHOLDERS.get(purpose, ())
    unknown = [n for n in names if n not in allowed]
    if unknown:
        return _("쓸 수 없는 항목입니다: %(names)s. 쓸 수 있는 항목: %(allowed)s") % {
            "names": ", ".join("{" + n + "}" for n in unknown),
            "allowed": ", ".join("{" + n + "}" for n in allowed),
        }
    return None


def render(purpose: str, body: str, context: Mapping[str, object]) -> str:
    """``body`` filled from ``context``; a placeholder the caller did not give becomes empty."""
    allowed = PLACEHOLDERS.get(purpose, ())
    values = {name: str(context.get(name, "") or "") for name in allowed}
    text = body.format_map(values)
    return " ".join(text.split()) if "\n" not in body else text.strip()
