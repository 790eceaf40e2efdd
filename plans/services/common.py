"""The refusals every plans service shares: the capability check and the read-only plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from welfare.errors import RuleError
from welfare.permissions import can

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from plans.models import AnnualPlan


def require(by: User, capability: str, message: str) -> None:
    if not can(by, capability):
        raise RuleError(message)


def require_planner(by: User) -> None:
    require(by, "edit_plans", _("기본계획은 구 기획 담당과 구 관리자가 작성합니다."))


def require_editable(plan: AnnualPlan) -> None:
    if not plan.is_editable:
        raise RuleError(_("승인 요청되었거나 승인된 계획은 고칠 수 없습니다. 승인된 계획은 새 개정본을 만들어 고치세요."))
