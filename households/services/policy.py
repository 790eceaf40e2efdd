"""The district's contact cadence and silence thresholds (구 설정 › 접촉 주기). In a transaction, audited.

The district settings page (``households.district_settings``) and the Django admin (``households.admin``) call
these; which field holds which risk's days, and their limits, live on ``CadencePolicy``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common.updates import model_update
from welfare.errors import RuleError
from welfare.models import District
from welfare.services.bounds import check_bounds, check_ordered

from ..models import CadencePolicy

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def cadence_policy_check(data: Mapping[str, Any]) -> dict[str, int]:
    """The values to store, or RuleError naming the fields: every value 1–365 days (긴급 1–3), higher risk never
    later; after-care 1–12 months with the first contact before the last, reassessment every 1–24 months."""
    values = check_bounds(data, {name: CadencePolicy.limits_of(name) for name in CadencePolicy.DAY_FIELDS},
                          _("%(low)s일에서 %(high)s일 사이로 입력하세요."))
    # A caller that names no month (an older client of the day fields) keeps the defaults (the save: the current).
    defaults = CadencePolicy()
    months = {name: getattr(defaults, name) for name in CadencePolicy.MONTH_FIELDS}
    values.update(check_bounds({**months, **data}, CadencePolicy.MONTH_LIMITS,
                               _("%(low)s개월에서 %(high)s개월 사이로 입력하세요.")))
    if values["aftercare_first_months"] >= values["aftercare_last_months"]:
        raise RuleError({"aftercare_last_months": _("사후관리 2차(최종)는 1차보다 늦어야 합니다.")})
    check_ordered(values, tuple(CadencePolicy.CADENCE_DAYS.values()),
                  _("위험도가 낮을수록 접촉 주기가 같거나 길어야 합니다(긴급 ≤ 고위험 ≤ 중위험 ≤ 저위험 ≤ 일반)."))
    check_ordered(values, tuple(CadencePolicy.SILENCE_DAYS.values()),
                  _("위험도가 낮을수록 무응답 경보 기준이 같거나 길어야 합니다(긴급 ≤ 고위험 ≤ 중위험 ≤ 저위험)."))
    return values


@transaction.atomic
def cadence_policy_save(*, district: District, by: User, data: Mapping[str, Any]) -> CadencePolicy:
    """The district's cadence; the row is created on the first save. The nightly ``schedule_followups`` and
    ``silence_watch`` jobs read it on their next run; ``propose_next_contact`` at once."""
    policy, created = CadencePolicy.objects.select_for_update().get_or_create(district=district)
    values = cadence_policy_check({**{name: getattr(policy, name) for name in CadencePolicy.MONTH_FIELDS}, **data})
    verb = "households.cadencepolicy.created" if created else "households.cadencepolicy.updated"
    policy, changes = model_update(policy, values, CadencePolicy.FIELDS, by=by, verb=verb)
    if created and not changes:  # the defaults saved as they are: the row is new all the same
        log_action(policy, verb, user=by, changes={})
    return policy
