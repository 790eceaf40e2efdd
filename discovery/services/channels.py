"""The reporting channels: the businesses that keep memo pads and posters, and the KakaoTalk channel's chatbot
skill that turns a chat into a crisis report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.errors import RuleError
from welfare.models import District, Dong
from welfare.permissions import can
from welfare.scoping import membership, personal_dong_ids

from ..models import Channel, CrisisReport, ReportSource, SourceKind
from .intake import report_create

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_PADS = 100_000


@transaction.atomic
def may_keep_sources(user) -> bool:
    """The reporting places (업소, memo pads, posters) are a district's, kept by those who edit its network: a
    superuser without a district keeps them in the admin."""
    return membership(user) is not None and can(user, "edit_network")


def source_save(*, by: User, district: District, name: str, kind: str, dong: Dong | None = None,
                pads_given: int = 0, source: ReportSource | None = None) -> ReportSource:
    if not can(by, "edit_network"):
        raise RuleError(_("제보 경로 업소는 동 주민센터 담당자와 구 관리자가 관리합니다."))
    problems: dict[str, str] = {}
    if not name.strip():
        problems["name"] = _("업소명을 적어 주세요.")
    elif problem := bounds.text_problem(name, bounds.max_length(ReportSource, "name")):
        problems["name"] = problem
    if kind not in SourceKind.values:
        problems["kind"] = _("업종을 고르세요.")
    if dong is not None and (dong.district_id != district.pk or dong.pk not in personal_dong_ids(by)):
        problems["dong"] = _("담당하는 행정동을 고르세요.")
    if not 0 <= pads_given <= MAX_PADS:
        problems["pads_given"] = _("배부 수량을 확인해 주세요.")
    if problems:
        raise RuleError(problems)
    fields = {"name": name.strip(), "kind": kind, "dong": dong, "pads_given": pads_given}
    if source is None:
        source = ReportSource.objects.create(district=district, **fields)
        verb = "discovery.reportsource.created"
    else:
        if source.district_id != district.pk:
            raise RuleError(_("다른 자치구의 업소는 고칠 수 없습니다."))
        for key, value in fields.items():
            setattr(source, key, value)
        source.save()
        verb = "discovery.reportsource.updated"
    log_action(source, verb, user=by, changes={k: str(v) for k, v in fields.items()})
    return source


# --- KakaoTalk chatbot skill ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KakaoTip:
    """What the skill request carries: the user's words and the block's parameters (dong, address, details)."""

    utterance: str
    dong_name: str = ""
    address: str = ""
    details: str = ""
    who: str = ""


def _param(payload: dict[str, Any], name: str) -> str:
    action = payload.get("action") or {}
    value = (action.get("params") or {}).get(name)
    if value is None:
        value = ((action.get("detailParams") or {}).get(name) or {}).get("value")
    return str(value or "").strip()


def kakao_tip(payload: Any) -> KakaoTip:
    """Read a Kakao i Open Builder skill request body (``userRequest.utterance``, ``action.params``)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("userRequest"), dict):
        raise RuleError(_("카카오톡 스킬 요청 형식이 아닙니다."))
    return KakaoTip(utterance=str(payload["userRequest"].get("utterance") or "").strip(),
                    dong_name=_param(payload, "dong"), address=_param(payload, "address"),
                    details=_param(payload, "details"), who=_param(payload, "who"))


def kakao_report(*, district: District, tip: KakaoTip) -> CrisisReport:
    """A crisis report from the district's KakaoTalk channel: into the named dong's queue when the dong is one of
    the district's, else the district's queue."""
    dong = None
    if tip.dong_name:
        dong = Dong.objects.filter(district=district, name=tip.dong_name.replace(" ", "")).first()
    details = tip.details or tip.utterance
    data = {"subject_address": tip.address, "subject_description": tip.who or (details[:100] if details else ""),
            "details": details}
    return report_create(district=district, dong=dong, by=None, channel=Channel.KAKAO, data=data, reporter=None)
