"""Discovery's source of the approval inbox (``welfare.approvals``): eligible informant rewards not yet approved
(and not sent back) in the lead's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welfare.approvals import ApprovalItem, ApprovalSource, register_approval_source
from welfare.common.people import display_name

from .services.reward_review import reward_return
from .services.rewards import can_approve, reward_approve, visible_decisions

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _waiting(user: User):
    return (visible_decisions(user).filter(eligible=True, approved_by__isnull=True, returned_on__isnull=True)
            .select_related("report", "decided_by").order_by("decided_on", "pk"))


def rewards(user: User, limit: int) -> tuple[list[ApprovalItem], int]:
    if not can_approve(user):
        return [], 0
    found = list(_waiting(user)[: limit + 1])
    total = len(found) if len(found) <= limit else _waiting(user).count()
    return [ApprovalItem(
        source="reward", pk=d.pk,
        title=_("신고포상금 %(amount)s원 · %(who)s") % {"amount": f"{d.amount_krw:,}", "who": d.informant_label},
        detail=f"{d.report.receipt_code} · {d.reason}", submitted_at=d.decided_on,
        submitted_by=display_name(d.decided_by) if d.decided_by else "",
        url=reverse("discovery:report_detail", args=[d.report_id]),
    ) for d in found[:limit]], total


def _decision(user: User, pk: int):
    return get_object_or_404(visible_decisions(user).select_related("report"), pk=pk)


def approve(user: User, pk: int) -> str:
    decision = reward_approve(decision=_decision(user, pk), by=user)
    return _("신고포상금 %(amount)s원을 승인했습니다.") % {"amount": f"{decision.amount_krw:,}"}


def send_back(user: User, pk: int, comment: str) -> str:
    reward_return(decision=_decision(user, pk), by=user, comment=comment)
    return _("신고포상금 판단을 돌려보냈습니다.")


register_approval_source(ApprovalSource(key="reward", label=gettext_lazy("신고포상금"), items=rewards,
                                        approve=approve, send_back=send_back))
