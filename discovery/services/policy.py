"""The district's discovery policy (구 설정 › 발굴 정책): first-contact deadlines, unreachable retries, informant
rewards and network minimums. In a transaction, audited.

The district settings page (``discovery.district_settings``) and the Django admin (``discovery.admin``) call
these.
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
from welfare.services.bounds import check_bounds

from ..models import DiscoveryPolicy

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# (lowest, highest) per field. Urgent first contact is 24 hours by the Ministry's guideline; a week is the most a
# district may stretch it. A reward or a network minimum of 0 switches it off.
DISCOVERY_BOUNDS: dict[str, tuple[int, int]] = {
    "urgent_first_contact_hours": (1, 168),
    "normal_first_contact_days": (1, 60),
    "unreachable_attempts": (1, 10),
    "reward_amount_krw": (0, 10_000_000),
    "reward_yearly_cap_krw": (0, 100_000_000),
    "min_care_team_per_dong": (0, 500),
    "min_care_team_high_risk_dong": (0, 500),
    "min_honorary_per_dong": (0, 500),
}
DISCOVERY_FIELDS = tuple(DISCOVERY_BOUNDS)


def discovery_policy_check(data: Mapping[str, Any]) -> dict[str, int]:
    """The values to store, or RuleError naming the fields."""
    values = check_bounds(data, DISCOVERY_BOUNDS, _("%(low)s에서 %(high)s 사이로 입력하세요."))
    if values["reward_yearly_cap_krw"] < values["reward_amount_krw"]:
        raise RuleError({"reward_yearly_cap_krw": _("연간 한도는 건당 포상금보다 적을 수 없습니다.")})
    if values["min_care_team_high_risk_dong"] < values["min_care_team_per_dong"]:
        raise RuleError({"min_care_team_high_risk_dong":
                         _("고위험 동의 최소 돌봄단 인원은 일반 동보다 적을 수 없습니다.")})
    return values


@transaction.atomic
def discovery_policy_save(*, district: District, by: User, data: Mapping[str, Any]) -> DiscoveryPolicy:
    """The district's discovery policy; the row is created on the first save."""
    values = discovery_policy_check(data)
    policy, created = DiscoveryPolicy.objects.select_for_update().get_or_create(district=district)
    verb = "discovery.discoverypolicy.created" if created else "discovery.discoverypolicy.updated"
    policy, changes = model_update(policy, values, DISCOVERY_FIELDS, by=by, verb=verb)
    if created and not changes:  # the defaults saved as they are: the row is new all the same
        log_action(policy, verb, user=by, changes={})
    return policy
