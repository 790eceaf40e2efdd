"""Households services: a case's closing goes through the team lead — the official proposes (종결 검토), the lead
approves (종결) or returns it to service with a comment — and both sides hear about each step: the dong's leads when
a closing is proposed, the case's official when it is approved or returned (in-app notifications, deduplicated)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.approvals import RETURN_COMMENT_MAX, RETURN_COMMENT_MIN
from welfare.common.people import display_name
from welfare.errors import RuleError
from welfare.models import Notification, NotificationKind
from welfare.notifications import notify_many

from ..jobs.common import Recipients
from ..models import Case, CaseStage

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _name(user: User | None) -> str:
    return display_name(user) if user else ""


def announce_closing_step(case: Case, *, previous: str, to: str, by: User, note: str = "") -> int:
    """Called by ``case_transition`` after every move: tells whoever the closing step concerns. Returns how many
    notifications were new."""
    url = reverse("households:case_detail", args=[case.household_id, case.pk])
    address = case.household.full_address
    stamp = f"{timezone.now():%Y%m%d%H%M%S%f}"
    people: list[int] = []
    if to == CaseStage.CLOSING:
        people = Recipients.load(dong_id=case.household.dong_id).of(official_id=None, dong_id=case.household.dong_id)
        title = _("종결 검토 요청: 사례 #%(pk)s %(address)s (%(who)s)") % {"pk": case.pk, "address": address,
                                                                     "who": _name(by)}
    elif previous == CaseStage.CLOSING and to == CaseStage.CLOSED:
        people = [case.assigned_official_id] if case.assigned_official_id else []
        title = _("종결 승인: 사례 #%(pk)s %(address)s (%(who)s)") % {"pk": case.pk, "address": address,
                                                                "who": _name(by)}
    elif previous == CaseStage.CLOSING and to == CaseStage.IN_SERVICE:
        people = [case.assigned_official_id] if case.assigned_official_id else []
        title = _("종결 반려: 사례 #%(pk)s — %(note)s") % {"pk": case.pk, "note": note or _("사유 없음")}
    else:
        return 0
    return notify_many([Notification(user_id=user_id, kind=NotificationKind.APPROVAL, title=title, url=url,
                                     household_id=case.household_id, dedupe_key=f"closing:{case.pk}:{to}:{stamp}")
                        for user_id in people if user_id != getattr(by, "pk", None)])


def closing_approve(*, case: Case, by: User) -> Case:
    """The lead approves a proposed closing (the approval inbox)."""
    from .cases import case_transition

    if case.stage != CaseStage.CLOSING:
        raise RuleError(_("종결 검토 중인 사례가 아닙니다(이미 처리되었을 수 있습니다)."))
    return case_transition(case=case, to=CaseStage.CLOSED, by=by, expected_version=case.version,
                           note=_("승인함에서 종결 승인"))


def closing_return(*, case: Case, by: User, comment: str) -> Case:
    """The lead returns a proposed closing to service with a comment the official reads."""
    from .cases import case_transition

    comment = " ".join((comment or "").split())
    if len(comment) < RETURN_COMMENT_MIN:
        raise RuleError({"comment": [_("돌려보내는 이유를 %(n)s자 이상 적어 주세요.") % {"n": RETURN_COMMENT_MIN}]})
    if len(comment) > RETURN_COMMENT_MAX:
        raise RuleError({"comment": [_("%(n)s자 이내로 적어 주세요.") % {"n": RETURN_COMMENT_MAX}]})
    if case.stage != CaseStage.CLOSING:
        raise RuleError(_("종결 검토 중인 사례가 아닙니다(이미 처리되었을 수 있습니다)."))
    return case_transition(case=case, to=CaseStage.IN_SERVICE, by=by, expected_version=case.version, note=comment)
