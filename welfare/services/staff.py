"""Staff accounts of a district: create, update, reset a password. In a transaction, audited.

The district pages (``welfare.views_district``) call these; they never repeat their rules. A refused change
raises ``RuleError`` naming the input's field when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from welfare.audit import diff, log_action
from welfare.errors import RuleError
from welfare.models import DISTRICT_ROLES, District, Dong, Role, StaffMembership
from welfare.permissions import role_can
from welfare.services.accounts import password_require_change

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MEMBERSHIP_FIELDS = ("role", "personal_access")
USER_FIELDS = ("first_name", "last_name", "email", "is_active")


@dataclass(frozen=True)
class NewStaff:
    """A login and its membership. ``first_name`` is the full Korean name; an empty ``password`` leaves the
    account without a usable one until an admin sets it (nothing is ever sent to the person)."""

    username: str
    first_name: str
    role: str
    email: str = ""
    password: str = ""
    dongs: tuple[Dong, ...] = ()
    personal_access: bool = False


@dataclass(frozen=True)
class StaffChanges:
    """What to change on a membership and its login; ``None`` keeps the current value."""

    first_name: str | None = None
    email: str | None = None
    role: str | None = None
    dongs: tuple[Dong, ...] | None = None
    personal_access: bool | None = None
    is_active: bool | None = None


def membership_check(*, district: District, role: str, dongs: Iterable[Dong], personal_access: bool
                     ) -> tuple[list[Dong], bool]:
    """The dongs and personal-access flag a role may have; raises RuleError naming the field."""
    dongs = list(dongs)
    if role not in Role.values:
        raise RuleError({"role": _("알 수 없는 역할입니다.")})
    if any(d.district_id != district.pk for d in dongs):
        raise RuleError({"dongs": _("이 구의 동만 담당으로 지정할 수 있습니다.")})
    # District roles see the whole district; dong roles see their dongs (welfare.models, welfare.scoping).
    if role in DISTRICT_ROLES and dongs:
        raise RuleError({"dongs": _("구 역할은 구 전체를 봅니다. 담당 동을 모두 해제하세요.")})
    if role not in DISTRICT_ROLES and not dongs:
        raise RuleError({"dongs": _("동 담당 공무원과 팀장은 담당 동을 하나 이상 지정해야 합니다.")})
    # Personal access only widens what a role without personal records sees; other roles see them by their role.
    return dongs, bool(personal_access) and role_can(role, "needs_personal_grant")


def _name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise RuleError({"first_name": _("이름을 입력하세요.")})
    return name


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise RuleError({"password": error.messages}) from error


def _guard_target(user: User, by: User) -> None:
    """Accounts with Django admin rights are managed by a superuser only: resetting such a password from the
    district pages would hand its admin rights to the district admin."""
    if (user.is_superuser or user.is_staff) and not getattr(by, "is_superuser", False):
        raise RuleError(_("관리자 사이트 권한이 있는 계정은 최고 관리자만 바꿀 수 있습니다."))


@transaction.atomic
def staff_create(*, district: District, by: User, data: NewStaff) -> User:
    """A login and its staff membership in ``district``."""
    user_model = get_user_model()
    username = (data.username or "").strip()
    if not username:
        raise RuleError({"username": _("아이디를 입력하세요.")})
    try:
        user_model.username_validator(username)
    except ValidationError as error:
        raise RuleError({"username": error.messages}) from error
    # Case-insensitive: "Kim" and "kim" would be two accounts that people cannot tell apart.
    if user_model.objects.filter(username__iexact=username).exists():
        raise RuleError({"username": _("이미 사용 중인 아이디입니다.")})
    name = _name(data.first_name)
    dongs, personal_access = membership_check(district=district, role=data.role, dongs=data.dongs,
                                               personal_access=data.personal_access)
    user = user_model(username=username, first_name=name, email=(data.email or "").strip())
    if data.password:
        _check_password(data.password, user)
        user.set_password(data.password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # the same username sent twice at once: the unique index decides
        raise RuleError({"username": _("이미 사용 중인 아이디입니다.")}) from error
    if data.password:  # a password the admin chose: the person picks their own at the first login
        password_require_change(user)
    staff = StaffMembership.objects.create(user=user, district=district, role=data.role,
                                           personal_access=personal_access)
    staff.dongs.set(dongs)
    log_action(staff, "welfare.staffmembership.created", user=by, changes={
        "username": username, "role": staff.role, "dongs": sorted(d.name for d in dongs),
        "personal_access": personal_access, "password_set": bool(data.password),
    })
    return user


@transaction.atomic
def staff_update(*, staff: StaffMembership, by: User, data: StaffChanges) -> StaffMembership:
    """Role, dongs, personal access, name, e-mail and active flag, logged as one entry (the membership, its login
    and its dongs together). Accounts are deactivated, never deleted: the access log and the case records keep
    pointing at them. A district admin may not demote or deactivate themselves (nobody would be left to undo
    it)."""
    staff = StaffMembership.objects.select_for_update().select_related("user", "district").get(pk=staff.pk)
    user = staff.user
    _guard_target(user, by)
    role = staff.role if data.role is None else data.role
    is_active = user.is_active if data.is_active is None else data.is_active
    if user.pk == getattr(by, "pk", None):
        if role != staff.role:
            raise RuleError({"role": _("자신의 역할은 바꿀 수 없습니다. 다른 구 관리자에게 요청하세요.")})
        if not is_active:
            raise RuleError({"is_active": _("자신의 계정은 비활성화할 수 없습니다.")})
    dongs, personal_access = membership_check(
        district=staff.district, role=role,
        dongs=staff.dongs.all() if data.dongs is None else data.dongs,
        personal_access=staff.personal_access if data.personal_access is None else data.personal_access,
    )
    old_staff = {f: getattr(staff, f) for f in MEMBERSHIP_FIELDS}
    old_user = {f: getattr(user, f) for f in USER_FIELDS}
    old_dongs = sorted(staff.dongs.values_list("name", flat=True))

    staff.role, staff.personal_access = role, personal_access
    if data.first_name is not None:
        # The whole Korean name lives in first_name (성과 이름 together); an older split one is folded into it.
        user.first_name, user.last_name = _name(data.first_name), ""
    if data.email is not None:
        user.email = data.email.strip()
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
def staff_set_password(*, staff: StaffMembership, by: User, password: str) -> User:
    """A new password typed by the admin, checked by the project's password validators. Django signs sessions
    with the password hash, so the person's open sessions end; at the next login they must choose their own
    (``welfare.security.middleware``), unless the admin set their own password."""
    user = get_user_model().objects.select_for_update().get(pk=staff.user_id)
    _guard_target(user, by)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    if user.pk != getattr(by, "pk", None):
        password_require_change(user)
    log_action(staff, "welfare.staffmembership.password_reset", user=by, changes={"password": "(changed)"})
    return user
