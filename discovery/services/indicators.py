"""The Ministry's risk indicators, kept by district admins (names and the crisis signal they map to). Audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.common.updates import model_update
from welfare.errors import RuleError
from welfare.services.reference import require_reference_editor

from ..models import RiskIndicator

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FIELDS = ("name_ko", "name_en", "signal")


@transaction.atomic
def risk_indicator_update(*, row: RiskIndicator, by: User, data: dict[str, Any]) -> RiskIndicator:
    require_reference_editor(by)
    if not (data.get("name_ko") or "").strip():
        raise RuleError({"name_ko": _("이름을 적어 주세요.")})
    row, _changes = model_update(row, data, FIELDS, by=by, verb="discovery.riskindicator.updated")
    return row
