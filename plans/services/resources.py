"""Writes to the resource directory: planners and district admins keep their district's resources."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.common.updates import model_update
from welfare.errors import RuleError
from welfare.models import District, Dong

from ..models import LifeStage, RecipientType, Resource
from .common import require

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ResourceData(TypedDict):
    name: str
    provider: str
    sector: str
    category: str
    funding_source: str
    eligibility: str
    contact: str
    dongs: Iterable[Dong]  # none: the whole district
    is_active: bool


EDITABLE = ("name", "provider", "sector", "category", "funding_source", "eligibility", "contact", "is_active")
# The welfare guide's groupings: written when the input carries them (older callers leave them as they are).
GUIDE_FIELDS = {"life_stages": LifeStage, "recipients": RecipientType}


def _checked(data: ResourceData, *, district: District, resource: Resource | None = None) -> ResourceData:
    """``data`` with the names' spaces folded, or a RuleError on the field at fault."""
    checked = {**data, "name": " ".join(data["name"].split()), "provider": " ".join(data["provider"].split())}
    if not checked["name"]:
        raise RuleError({"name": _("자원명을 입력하세요.")})
    if not checked["provider"]:
        raise RuleError({"provider": _("제공 기관을 입력하세요.")})
    checks = bounds.Checks()
    for name in ("name", "provider", "funding_source", "contact"):
        checks.text(name, checked.get(name), bounds.max_length(Resource, name))
    checks.text("eligibility", checked.get("eligibility"), bounds.NOTE_TEXT).done()
    for name, choices in GUIDE_FIELDS.items():
        if name in data:
            values = list(dict.fromkeys(data[name] or []))  # type: ignore[literal-required]
            if any(v not in choices.values for v in values):
                raise RuleError({name: _("목록에 있는 항목만 고를 수 있습니다.")})
            checked[name] = [v for v in choices.values if v in values]
    if any(d.district_id != district.pk for d in data["dongs"]):
        raise RuleError({"dongs": _("우리 자치구의 행정동만 고를 수 있습니다.")})
    clash = Resource.objects.filter(district=district, name=checked["name"], provider=checked["provider"])
    if resource is not None:
        clash = clash.exclude(pk=resource.pk)
    if clash.exists():
        raise RuleError({"name": _("같은 기관의 같은 이름 자원이 이미 있습니다.")})
    return checked  # type: ignore[return-value]


def _require_manager(by: User) -> None:
    require(by, "manage_resources", _("자원은 구 기획 담당과 구 관리자가 관리합니다."))


@transaction.atomic
def resource_create(*, district: District, by: User, data: ResourceData) -> Resource:
    _require_manager(by)
    data = _checked(data, district=district)
    guide = {f: data[f] for f in GUIDE_FIELDS if f in data}  # type: ignore[literal-required]
    resource = Resource.objects.create(district=district, **{f: data[f] for f in EDITABLE}, **guide)  # type: ignore[literal-required]
    resource.dongs.set(data["dongs"])
    log_action(resource, "plans.resource.created", user=by)
    return resource


@transaction.atomic
def resource_update(*, resource: Resource, by: User, data: ResourceData) -> Resource:
    _require_manager(by)
    data = _checked(data, district=resource.district, resource=resource)
    fields = (*EDITABLE, *(f for f in GUIDE_FIELDS if f in data))
    resource, _changes = model_update(resource, data, fields, by=by, verb="plans.resource.updated")
    resource.dongs.set(data["dongs"])
    return resource
