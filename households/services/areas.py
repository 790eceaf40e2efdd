"""Households services: the 통s of a dong (number, name, official and deputy, street list) and the households' 통 —
from their addresses for a whole dong at once, or set by hand for chosen households. Leads and district admins
(``manage_areas``) only; a 통's people must work in its dong."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import can, roles_with
from welfare.scoping import personal_dong_ids

from ..models import Area, Household
from ..ownership import AreaMatcher, street_lines_problems
from .worklists import BulkResult

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class AreaInput:
    dong: Dong
    number: int
    name: str = ""
    official: User | None = None
    deputy: User | None = None
    streets: str = ""


def _require_manager(by: User, dong_id: int) -> None:
    if not can(by, "manage_areas"):
        raise RuleError(_("통 관리는 팀장과 구 관리자만 할 수 있습니다."))
    if dong_id not in personal_dong_ids(by):
        raise RuleError(_("담당하지 않는 동의 통은 바꿀 수 없습니다."))


def _works_in(user: User | None, dong_id: int) -> bool:
    return user is None or (user.is_active and type(user).objects.filter(
        pk=user.pk, staff__role__in=roles_with("be_assigned"), staff__dongs=dong_id).exists())


def area_save(*, by: User, data: AreaInput, area: Area | None = None) -> Area:
    """Create a 통 (``area`` None) or change one; the number is unique in its dong."""
    _require_manager(by, data.dong.pk)
    if area is not None and area.dong_id != data.dong.pk:
        raise RuleError({"dong": [_("통의 행정동은 바꿀 수 없습니다.")]})
    checks = bounds.Checks().text("name", data.name, bounds.max_length(Area, "name")).text(
        "streets", data.streets, 4000)
    errors = dict(checks.errors)
    if not 1 <= data.number <= 999:
        errors["number"] = [_("통 번호는 1에서 999 사이입니다.")]
    if bad := street_lines_problems(data.streets):
        errors["streets"] = [_("읽을 수 없는 줄: %(lines)s (예: 왕십리로 / 왕십리로 222 / 왕십리로 200-250)")
                             % {"lines": ", ".join(bad[:5])}]
    for field, person in (("official", data.official), ("deputy", data.deputy)):
        if not _works_in(person, data.dong.pk):
            errors[field] = [_("이 동에서 일하는 동 담당 공무원이나 팀장을 고르세요.")]
    if data.official is not None and data.official == data.deputy:
        errors["deputy"] = [_("부담당은 담당 공무원과 다른 사람이어야 합니다.")]
    if errors:
        raise RuleError(errors)
    values = {"number": data.number, "name": data.name.strip(), "official": data.official, "deputy": data.deputy,
              "streets": "\n".join(line.strip() for line in data.streets.splitlines() if line.strip())}
    try:
        with transaction.atomic():
            if area is None:
                area = Area.objects.create(dong=data.dong, **values)
                verb = "created"
            else:
                for key, value in values.items():
                    setattr(area, key, value)
                area.save()
                verb = "updated"
    except IntegrityError as error:
        raise RuleError({"number": [_("이 동에 같은 번호의 통이 이미 있습니다.")]}) from error
    log_action(area, f"households.area.{verb}", user=by,
               changes={"number": area.number, "official": area.official_id, "deputy": area.deputy_id})
    return area


@transaction.atomic
def areas_from_addresses(*, dong: Dong, by: User, overwrite: bool = False) -> int:
    """Give the dong's households their 통 from their addresses (the 통s' street lists): one read, one UPDATE per
    통. Households whose 통 was set keep it unless ``overwrite``. Returns how many households got a 통."""
    _require_manager(by, dong.pk)
    matcher = AreaMatcher([dong.pk])
    rows = Household.objects.filter(dong=dong)
    if not overwrite:
        rows = rows.filter(area__isnull=True)
    by_area: dict[int, list[int]] = defaultdict(list)
    for pk, road in rows.values_list("pk", "road_address").iterator(chunk_size=5000):
        if (area_id := matcher.area_id(dong.pk, road)) is not None:
            by_area[area_id].append(pk)
    now = timezone.now()
    done = 0
    for area_id, pks in by_area.items():
        done += Household.objects.filter(pk__in=pks).update(area_id=area_id, updated_at=now)
    log_action(dong, "households.area.assigned_from_addresses", user=by, changes={"households": done,
                                                                                 "overwrite": overwrite})
    return done


@transaction.atomic
def households_set_area(*, households: Iterable[Household | int], area: Area, by: User,
                        ban: int | None = None) -> BulkResult:
    """Put chosen households in one 통 (and 반): those the user may not see, or of another dong, are skipped."""
    _require_manager(by, area.dong_id)
    if ban is not None and not 1 <= ban <= 99:
        raise RuleError({"ban": [_("반 번호는 1에서 99 사이입니다.")]})
    ids = {h.pk if isinstance(h, Household) else int(h) for h in households}
    visible = Household.objects.visible_to(by).filter(pk__in=ids)
    targets = visible.filter(dong_id=area.dong_id)
    seen, done = visible.count(), targets.update(area=area, ban=ban, updated_at=timezone.now())
    log_action(area, "households.area.households_set", user=by, changes={"households": done, "ban": ban})
    return BulkResult(done=done, skipped=len(ids) - seen, not_in_dong=seen - done)
