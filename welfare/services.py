"""The district admin's writes: staff accounts and the district's policies. In a transaction, audited.

The district pages (``welfare.views_district``) and the Django admin call these; neither repeats their rules.
A refused change raises ``RuleError`` (a ValidationError whose dict names the field when there is one).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from discovery.models import DiscoveryPolicy
from households.models import CadencePolicy
from welfare.errors import RuleError

from .audit import diff, log_action
from .models import DISTRICT_ROLES, District, Dong, Role, StaffMembership

User = get_user_model()

# Days between contacts and before a silence alert: at least daily, at most yearly.
CADENCE_MIN, CADENCE_MAX = 1, 365
CADENCE_FIELDS = ("high_days", "medium_days", "low_days", "in_service_days",
                  "silence_high_days", "silence_medium_days", "silence_low_days")

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

MEMBERSHIP_FIELDS = ("role", "personal_access")
USER_FIELDS = ("first_name", "last_name", "email", "is_active")


# Staff --------------------------------------------------------------------------------------------------------------


def membership_check(*, district: District, role: str, dongs: Iterable[Dong], personal_access: bool
                     ) -> tuple[list[Dong], bool]:
    """The dongs and personal-access flag a role may have; raises RuleError naming the field."""
    dongs = list(dongs)
    if role not in Role.values:
        raise RuleError({"role": _("알 수 없는 역할입니다.")})
    if any(d.district_id != district.pk for d in dongs):
        raise RuleError({"dongs": _("이 구의 동만 담당으로 지정할 수 있습니다.")})
    if role in DISTRICT_ROLES and dongs:
        raise RuleError({"dongs": _("구 역할은 구 전체를 봅니다. 담당 동을 모두 해제하세요.")})
    if role not in DISTRICT_ROLES and not dongs:
        raise RuleError({"dongs": _("동 담당 공무원과 팀장은 담당 동을 하나 이상 지정해야 합니다.")})
    # Personal access only widens what a planner sees; other roles see personal records by their role.
    return dongs, bool(personal_access) and role == Role.DISTRICT_PLANNER


def _check_password(password: str, user) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise RuleError({"password": error.messages}) from error


def _guard_target(user, by) -> None:
    """Accounts with Django admin rights are managed by a superuser only: resetting such a password from the
    district pages would hand its admin rights to the district admin."""
    if (user.is_superuser or user.is_staff) and not getattr(by, "is_superuser", False):
        raise RuleError(_("관리자 사이트 권한이 있는 계정은 최고 관리자만 바꿀 수 있습니다."))


@transaction.atomic
def staff_create(*, district: District, by, data: dict[str, Any]) -> User:
    """A login and its staff membership in ``district``.

    ``data``: username, first_name (the full Korean name), email, password (empty: no usable password until an
    admin sets one; nothing is ever sent to the person), role, dongs, personal_access.
    """
    username = (data.get("username") or "").strip()
    if not username:
        raise RuleError({"username": _("아이디를 입력하세요.")})
    try:
        User.username_validator(username)
    except ValidationError as error:
        raise RuleError({"username": error.messages}) from error
    # Case-insensitive: "Kim" and "kim" would be two accounts that people cannot tell apart.
    if User.objects.filter(username__iexact=username).exists():
        raise RuleError({"username": _("이미 사용 중인 아이디입니다.")})
    name = " ".join((data.get("first_name") or "").split())
    if not name:
        raise RuleError({"first_name": _("이름을 입력하세요.")})
    dongs, personal_access = membership_check(district=district, role=data.get("role", ""),
                                               dongs=data.get("dongs") or (),
                                               personal_access=data.get("personal_access", False))
    user = User(username=username, first_name=name, email=(data.get("email") or "").strip())
    password = data.get("password") or ""
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # the same username sent twice at once: the unique index decides
        raise RuleError({"username": _("이미 사용 중인 아이디입니다.")}) from error
    staff = StaffMembership.objects.create(user=user, district=district, role=data["role"],
                                           personal_access=personal_access)
    staff.dongs.set(dongs)
    log_action(staff, "welfare.staffmembership.created", user=by, changes={
        "username": username, "role": staff.role, "dongs": sorted(d.name for d in dongs),
        "personal_access": personal_access, "password_set": bool(password),
    })
    return user


@transaction.atomic
def staff_update(*, staff: StaffMembership, by, data: dict[str, Any]) -> StaffMembership:
    """Role, dongs, personal access, name, e-mail and active flag. Accounts are deactivated, never deleted: the
    access log and the case records keep pointing at them. A district admin may not demote or deactivate
    themselves (nobody would be left to undo it)."""
    staff = StaffMembership.objects.select_for_update().select_related("user", "district").get(pk=staff.pk)
    user = staff.user
    _guard_target(user, by)
    role = data.get("role", staff.role)
    is_active = data.get("is_active", user.is_active)
    if user.pk == getattr(by, "pk", None):
        if role != staff.role:
            raise RuleError({"role": _("자신의 역할은 바꿀 수 없습니다. 다른 구 관리자에게 요청하세요.")})
        if not is_active:
            raise RuleError({"is_active": _("자신의 계정은 비활성화할 수 없습니다.")})
    dongs, personal_access = membership_check(
        district=staff.district, role=role,
        dongs=data["dongs"] if "dongs" in data else staff.dongs.all(),
        personal_access=data.get("personal_access", staff.personal_access),
    )
    old_staff = {f: getattr(staff, f) for f in MEMBERSHIP_FIELDS}
    old_user = {f: getattr(user, f) for f in USER_FIELDS}
    old_dongs = sorted(staff.dongs.values_list("name", flat=True))

    staff.role, staff.personal_access = role, personal_access
    if "first_name" in data:
        name = " ".join((data["first_name"] or "").split())
        if not name:
            raise RuleError({"first_name": _("이름을 입력하세요.")})
        # The whole Korean name lives in first_name (성과 이름 together); an older split one is folded into it.
        user.first_name, user.last_name = name, ""
    if "email" in data:
        user.email = (data["email"] or "").strip()
    user.is_active = bool(is_active)
    staff.save(update_fields=list(MEMBERSHIP_FIELDS))
    user.save(update_fields=list(USER_FIELDS))
    staff.dongs.set(dongs)

    changes = {**diff(staff, old_staff, MEMBERSHIP_FIELDS), **diff(user, old_user, USER_FIELDS)}
    new_dongs = sorted(d.name for d in dongs)
    if new_dongs != old_dongs:
        changes["dongs"] = [old_dongs, new_dongs]
    if changes:
        verb = "deactivated" if changes.get("is_active") == [True, False] else "updated"
        log_action(staff, f"welfare.staffmembership.{verb}", user=by, changes=changes)
    return staff


@transaction.atomic
def staff_set_password(*, staff: StaffMembership, by, password: str) -> User:
    """A new password typed by the admin, checked by the project's password validators. Django signs sessions
    with the password hash, so the person's open sessions end."""
    user = User.objects.select_for_update().get(pk=staff.user_id)
    _guard_target(user, by)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    log_action(staff, "welfare.staffmembership.password_reset", user=by, changes={"password": "(changed)"})
    return user


# Policies -----------------------------------------------------------------------------------------------------------


def _check_bounds(data: dict[str, Any], bounds: dict[str, tuple[int, int]], message: str) -> dict[str, int]:
    values, errors = {}, {}
    for name, (low, high) in bounds.items():
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[name] = message % {"low": f"{low:,}", "high": f"{high:,}"}
        else:
            values[name] = value
    if errors:
        raise RuleError(errors)
    return values


def _ordered(values: dict[str, int], names: tuple[str, ...], message: str) -> None:
    """Higher risk is never watched less often than lower risk."""
    for shorter, longer in itertools.pairwise(names):
        if values[shorter] > values[longer]:
            raise RuleError({longer: message})


def cadence_policy_check(data: dict[str, Any]) -> dict[str, int]:
    """The values to store, or RuleError naming the fields: every value 1–365 days, higher risk never later."""
    values = _check_bounds(data, {f: (CADENCE_MIN, CADENCE_MAX) for f in CADENCE_FIELDS},
                           _("%(low)s일에서 %(high)s일 사이로 입력하세요."))
    _ordered(values, ("high_days", "medium_days", "low_days"),
             _("위험도가 낮을수록 접촉 주기가 같거나 길어야 합니다(고위험 ≤ 중위험 ≤ 저위험)."))
    _ordered(values, ("silence_high_days", "silence_medium_days", "silence_low_days"),
             _("위험도가 낮을수록 무응답 경보 기준이 같거나 길어야 합니다(고위험 ≤ 중위험 ≤ 저위험)."))
    return values


@transaction.atomic
def cadence_policy_save(*, district: District, by, data: dict[str, Any]) -> CadencePolicy:
    """The district's contact cadence and silence thresholds; the row is created on the first save. The nightly
    ``schedule_followups`` and ``silence_watch`` jobs read it on their next run; ``propose_next_contact`` at once."""
    values = cadence_policy_check(data)
    policy, created = CadencePolicy.objects.select_for_update().get_or_create(district=district)
    old = {f: getattr(policy, f) for f in CADENCE_FIELDS}
    for name, value in values.items():
        setattr(policy, name, value)
    changes = diff(policy, old, CADENCE_FIELDS)
    if changes or created:
        policy.save()
        log_action(policy, "households.cadencepolicy.created" if created else "households.cadencepolicy.updated",
                   user=by, changes=changes)
    return policy


def discovery_policy_check(data: dict[str, Any]) -> dict[str, int]:
    """The values to store, or RuleError naming the fields."""
    values = _check_bounds(data, DISCOVERY_BOUNDS, _("%(low)s에서 %(high)s 사이로 입력하세요."))
    if values["reward_yearly_cap_krw"] < values["reward_amount_krw"]:
        raise RuleError({"reward_yearly_cap_krw": _("연간 한도는 건당 포상금보다 적을 수 없습니다.")})
    if values["min_care_team_high_risk_dong"] < values["min_care_team_per_dong"]:
        raise RuleError({"min_care_team_high_risk_dong":
                         _("고위험 동의 최소 돌봄단 인원은 일반 동보다 적을 수 없습니다.")})
    return values


@transaction.atomic
def discovery_policy_save(*, district: District, by, data: dict[str, Any]) -> DiscoveryPolicy:
    """First-contact deadlines, unreachable retries, informant rewards and network minimums of the district."""
    values = discovery_policy_check(data)
    policy, created = DiscoveryPolicy.objects.select_for_update().get_or_create(district=district)
    old = {f: getattr(policy, f) for f in DISCOVERY_FIELDS}
    for name, value in values.items():
        setattr(policy, name, value)
    changes = diff(policy, old, DISCOVERY_FIELDS)
    if changes or created:
        policy.save()
        log_action(policy, "discovery.discoverypolicy.created" if created else "discovery.discoverypolicy.updated",
                   user=by, changes=changes)
    return policy
