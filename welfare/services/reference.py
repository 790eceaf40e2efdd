"""Reference data the district admin keeps: the district's dongs (name, code, high-risk flag). Audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.common.updates import model_update
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import can

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DONG_FIELDS = ("name", "admin_code", "is_high_risk")


def require_reference_editor(by: User) -> None:
    if not can(by, "manage_reference_data"):
        raise RuleError(_("기준 정보를 바꿀 권한이 없습니다."))


@transaction.atomic
def dong_update(*, dong: Dong, by: User, data: dict[str, Any]) -> Dong:
    """Rename a dong, set its administrative code (10 digits) or its high-risk flag."""
    require_reference_editor(by)
    name = (data.get("name") or dong.name).strip()
    code = (data.get("admin_code") or "").strip()
    if code and not (code.isdigit() and len(code) == 10):
        raise RuleError({"admin_code": _("행정동 코드는 숫자 10자리입니다.")})
    if Dong.objects.filter(district_id=dong.district_id, name=name).exclude(pk=dong.pk).exists():
        raise RuleError({"name": _("같은 이름의 동이 이미 있습니다.")})
    if code and Dong.objects.filter(admin_code=code).exclude(pk=dong.pk).exists():
        raise RuleError({"admin_code": _("다른 동이 이미 쓰는 코드입니다.")})
    dong, _changes = model_update(dong, {**data, "name": name, "admin_code": code}, DONG_FIELDS, by=by,
                                  verb="welfare.dong.updated")
    return dong
