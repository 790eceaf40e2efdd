"""Households' source of the approval inbox (``welfare.approvals``): case closings proposed in the lead's dongs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welfare.approvals import ApprovalItem, ApprovalSource, register_approval_source
from welfare.common.people import display_name
from welfare.permissions import can

from .models import Case, CaseStage, CaseStageChange
from .services.approvals import closing_approve, closing_return

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _waiting(user: User):
    proposed = CaseStageChange.objects.filter(case=OuterRef("pk"), to_stage=CaseStage.CLOSING).order_by("-at")
    return (Case.objects.visible_to(user).filter(stage=CaseStage.CLOSING)
            .annotate(proposed_at=Subquery(proposed.values("at")[:1]))
            .select_related("household", "assigned_official", "client").order_by("proposed_at", "pk"))


def closings(user: User, limit: int) -> tuple[list[ApprovalItem], int]:
    if not can(user, "approve_closing"):
        return [], 0
    cases = list(_waiting(user)[: limit + 1])
    total = len(cases) if len(cases) <= limit else _waiting(user).count()
    return [ApprovalItem(
        source="closing", pk=c.pk, title=_("사례 #%(pk)s 종결 · %(address)s") % {"pk": c.pk,
                                                                          "address": c.household.full_address},
        detail=" · ".join(p for p in (c.get_closing_reason_display(), c.closing_note) if p),
        submitted_at=c.proposed_at,
        submitted_by=display_name(c.assigned_official) if c.assigned_official else "",
        url=reverse("households:case_detail", args=[c.household_id, c.pk]),
    ) for c in cases[:limit]], total


def _case(user: User, pk: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(user).select_related("household"), pk=pk)


def approve(user: User, pk: int) -> str:
    case = closing_approve(case=_case(user, pk), by=user)
    return _("사례 #%(pk)s의 종결을 승인했습니다.") % {"pk": case.pk}


def send_back(user: User, pk: int, comment: str) -> str:
    case = closing_return(case=_case(user, pk), by=user, comment=comment)
    return _("사례 #%(pk)s의 종결 제안을 돌려보냈습니다.") % {"pk": case.pk}


register_approval_source(ApprovalSource(key="closing", label=gettext_lazy("사례 종결"), items=closings,
                                        approve=approve, send_back=send_back))
