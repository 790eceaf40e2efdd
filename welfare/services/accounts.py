"""A login's own security: changing one's password, the second factor (TOTP), and unlocking locked-out
accounts and addresses. Audited; a refused change raises ``RuleError`` naming the input's field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from welfare.audit import log_action
from welfare.errors import RuleError
from welfare.models import AccessAction, AccountSecurity, StaffMembership
from welfare.security.lockout import normalise_username
from welfare.security.otp import second_factor_required

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# --- passwords -------------------------------------------------------------------------------------------------


def password_require_change(user: User) -> None:
    """The next login must choose a new password (after an admin set or reset it)."""
    AccountSecurity.objects.update_or_create(user=user, defaults={"must_change_password": True})


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """The person's own change: the current password, then a new one that passes the validators and differs
    from it. Clears the forced change."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise RuleError({"old_password": _("현재 비밀번호가 맞지 않습니다.")})
    if old_password == new_password:
        raise RuleError({"new_password": _("새 비밀번호는 지금 비밀번호와 달라야 합니다.")})
    try:
        validate_password(new_password, user=user)
    except ValidationError as error:
        raise RuleError({"new_password": error.messages}) from error
    user.set_password(new_password)
    user.save(update_fields=["password"])
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"must_change_password": False, "password_changed_at": timezone.now()})
    log_action(None, "auth.password.changed", user=user, changes={"password": "(changed)"})
    return user


# --- second factor ---------------------------------------------------------------------------------------------


@transaction.atomic
def otp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device the enrolment page shows (the same one until confirmed, so a reload keeps the QR
    code the person may already have scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("인증 앱"), confirmed=False)
    return device


@transaction.atomic
def otp_enrolment_confirm(*, user: User, token: str) -> TOTPDevice:
    """The code from the app proves the key was copied: the device becomes the account's second factor."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise RuleError({"token": _("등록 중인 인증 앱이 없습니다. 페이지를 다시 여세요.")})
    if not device.verify_token(_digits(token)):
        raise RuleError({"token": _("인증 코드가 맞지 않습니다. 앱에 보이는 6자리 숫자를 입력하세요.")})
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()  # one device per account
    log_action(None, "auth.otp.enrolled", user=user, changes={"device": device.name})
    return device


def otp_verify(*, user: User, token: str) -> TOTPDevice:
    """The code asked after the password. django-otp throttles repeated failures (the wait doubles)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        raise RuleError({"token": _("등록된 인증 앱이 없습니다.")})
    allowed, detail = device.verify_is_allowed()
    if not allowed:
        log_action(None, "auth.otp.failed", user=user, action=AccessAction.LOGIN, reason="throttled")
        until = (detail or {}).get("locked_until")
        seconds = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
        raise RuleError({"token": _("코드가 틀려 %(seconds)d초 동안 기다려야 합니다. 잠시 뒤 다시 입력하세요.")
                         % {"seconds": seconds}})
    if not device.verify_token(_digits(token)):
        log_action(None, "auth.otp.failed", user=user, action=AccessAction.LOGIN)
        raise RuleError({"token": _("인증 코드가 맞지 않습니다.")})
    return device


@transaction.atomic
def otp_remove(*, user: User, by: User) -> int:
    """Remove ``user``'s device: by the person (only when the second factor is optional for them) or by a
    superuser (a lost phone). The next login enrols again where it is required."""
    if by.pk == user.pk and not by.is_superuser and second_factor_required(user):
        raise RuleError(_("2단계 인증은 이 계정에 필수라 해제할 수 없습니다."))
    if by.pk != user.pk and not by.is_superuser:
        raise RuleError(_("다른 사람의 2단계 인증은 최고 관리자만 초기화할 수 있습니다."))
    count, _rows = TOTPDevice.objects.filter(user=user).delete()
    if count:
        log_action(None, "auth.otp.removed", user=by, changes={"username": user.get_username()})
    return count


def _digits(token: str) -> str:
    return "".join((token or "").split())


# --- lockout ---------------------------------------------------------------------------------------------------


def unlock_scope(by: User) -> set[str] | None:
    """The usernames whose locks ``by`` may lift: a district admin's district; ``None`` (all) for superusers."""
    if by.is_superuser:
        return None
    staff = StaffMembership.objects.filter(user=by).first()
    if staff is None:
        return set()
    return {name.lower() for name in StaffMembership.objects.filter(district_id=staff.district_id)
            .values_list("user__username", flat=True)}


@transaction.atomic
def account_unlock(*, by: User, username: str | None = None, ip: str | None = None, reason: str = "") -> int:
    """Lift the lock on an account or an address before its cool-off ends (django-axes' reset): the failure count
    starts again from zero. Returns the number of attempt records removed."""
    username = normalise_username(username)
    ip = (ip or "").strip() or None
    if bool(username) == bool(ip):
        raise RuleError(_("계정이나 주소 중 하나를 고르세요."))
    if username:
        scope = unlock_scope(by)
        if scope is not None and username not in scope:
            raise RuleError({"username": _("이 구의 계정만 잠금 해제할 수 있습니다.")})
        removed = axes_reset(username=username)
        changes: dict[str, object] = {"username": username}
    else:
        removed = axes_reset(ip=ip)
        changes = {"ip": ip}
    log_action(None, "auth.unlocked", user=by, reason=reason[:300], changes={**changes, "attempts": removed})
    return removed
