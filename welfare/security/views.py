"""The security pages: the second factor after the password, enrolment, one's own password change, the
person's security page, and the district admin's locked accounts. They translate input and call
``welfare.services.accounts``."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from welfare.common.requests import local_url
from welfare.errors import RuleError
from welfare.models import AccountSecurity
from welfare.permissions import can
from welfare.services import accounts

from . import otp
from .forms import OwnPasswordForm, TokenForm, UnlockForm
from .lockout import current_locks

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _user(request: HttpRequest) -> User:
    """The signed-in user (every page here needs a login: ``LoginRequiredMiddleware``)."""
    return cast("User", request.user)


def _next(request: HttpRequest) -> str:
    return local_url(request, request.POST.get("next") or request.GET.get("next"), settings.LOGIN_REDIRECT_URL)


def _verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    device = otp.confirmed_device(user)
    security = AccountSecurity.objects.filter(user=user).first()
    return render(request, "welfare/security/home.html", {
        "device": device, "required": otp.second_factor_required(user),
        "password_changed_at": security.password_changed_at if security else None,
    })


def otp_verify(request: HttpRequest) -> HttpResponse:
    """The code after the password, for an account with a device."""
    state = otp.remember(request)
    if _verified(request):
        return redirect(_next(request))
    if not state["has_device"]:
        return redirect(f"{reverse('security:otp_enrol')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = accounts.otp_verify(user=_user(request), token=form.cleaned_data["token"])
        except RuleError as error:
            form.add_error(None, error)
        else:
            django_otp.login(request, device)
            return redirect(_next(request))
    return render(request, "welfare/security/otp_verify.html", {"form": form, "next": _next(request)})


def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Register an authenticator app: scan the QR code (or type the key), then confirm with a code. An account
    that already has a device must pass it first: a session that knows only the password never replaces it."""
    state = otp.remember(request)
    if state["has_device"] and not _verified(request):
        return redirect(f"{reverse('security:otp_verify')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = accounts.otp_enrolment_confirm(user=_user(request), token=form.cleaned_data["token"])
        except RuleError as error:
            form.add_error(None, error)
        else:
            django_otp.login(request, device)
            otp.remember(request)
            messages.success(request, _("2단계 인증을 등록했습니다. 다음 로그인부터 인증 코드를 함께 입력합니다."))
            return redirect(_next(request))
    device = accounts.otp_enrolment_start(user=_user(request))
    return render(request, "welfare/security/otp_enrol.html", {
        "form": form, "next": _next(request), "qr_svg": otp.qr_svg(otp.provisioning_url(device)),
        "secret": otp.secret_text(device), "required": otp.second_factor_required(request.user),
        "replacing": state["has_device"],
    })


@require_POST
def otp_remove(request: HttpRequest) -> HttpResponse:
    if otp.confirmed_device(request.user) is not None and not _verified(request):
        raise PermissionDenied
    try:
        accounts.otp_remove(user=_user(request), by=_user(request))
    except RuleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        otp.remember(request)
        messages.success(request, _("2단계 인증을 해제했습니다."))
    return redirect("security:home")


def password_change(request: HttpRequest) -> HttpResponse:
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.password_change(user=_user(request), old_password=form.cleaned_data["old_password"],
                                            new_password=form.cleaned_data["new_password"])
        except RuleError as error:
            form.add_error(None, error)
        else:
            update_session_auth_hash(request, user)
            otp.remember(request, user)
            messages.success(request, _("비밀번호를 바꿨습니다."))
            return redirect(_next(request))
    state = otp.session_state(request)
    return render(request, "welfare/security/password_change.html", {
        "form": form, "next": _next(request), "forced": state.get("must_change_password", False),
        "password_help": _password_help(),
    })


def _password_help() -> str:
    from django.contrib.auth.password_validation import password_validators_help_text_html

    return password_validators_help_text_html()


# --- district admin: locked accounts -----------------------------------------------------------------------------


def _may_unlock(request: HttpRequest) -> None:
    if not can(request.user, "unlock_accounts"):
        raise PermissionDenied


@require_GET
def locked_list(request: HttpRequest) -> HttpResponse:
    _may_unlock(request)
    locks = current_locks(usernames=accounts.unlock_scope(_user(request)))
    return render(request, "welfare/security/locked_list.html", {
        "locks": locks, "limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    })


@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    _may_unlock(request)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("잠금 해제할 계정이나 주소를 고르세요."))
        return redirect("security:locked")
    data = form.cleaned_data
    target = {"username": data["value"]} if data["kind"] == "username" else {"ip": data["value"]}
    try:
        accounts.account_unlock(by=_user(request), reason=data.get("reason") or "", **target)
    except RuleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(value)s의 잠금을 해제했습니다.") % {"value": data["value"]})
    return redirect("security:locked")
