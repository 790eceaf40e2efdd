"""Login lockout (django-axes): the username an attempt counts against, the access-log entries of failures and
lockouts, and the current locks for the district admin's page.

Settings (``welfare.settings``): ``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]`` (each alone locks),
``LOGIN_FAILURE_LIMIT`` failures within ``LOGIN_COOLOFF_MINUTES``; the address comes from
``welfare.audit.client_ip``. Unlocking is ``welfare.services.accounts.account_unlock``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Max, Sum
from django.db.models.functions import Lower
from django.dispatch import receiver
from django.utils import timezone

from welfare.audit import log_action
from welfare.models import AccessAction


def normalise_username(value: str | None) -> str | None:
    """Usernames are unique case-insensitively (``welfare.services.staff``): "Admin" counts against "admin"."""
    value = (value or "").strip().lower()
    return value or None


def attempt_username(request, credentials: dict | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the username typed on /login/ or /admin/login/, normalised."""
    field = get_user_model().USERNAME_FIELD
    if credentials and credentials.get(field) is not None:
        return normalise_username(credentials.get(field))
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return normalise_username(data.get(field))


def _path(request) -> str:
    return getattr(request, "path_info", "") or ""


@receiver(user_login_failed, dispatch_uid="welfare.security.login_failed")
def log_login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    """Every failed login (a wrong password, an unknown account, or one refused because it is locked)."""
    if request is None:
        return
    username = attempt_username(request, credentials) or ""
    log_action(None, "auth.login.failed", action=AccessAction.LOGIN,
               reason="locked" if getattr(request, "axes_locked_out", False) else "",
               changes={"username": username, "path": _path(request)})


@receiver(user_logged_in, dispatch_uid="welfare.security.logged_in")
def log_logged_in(sender, request=None, user=None, **kwargs) -> None:
    """A login with a password on /login/ or /admin/login/ (the access log's record of who signed in, from where;
    django-axes' own log of logins is off: ``AXES_DISABLE_ACCESS_LOG``)."""
    if request is None or getattr(request, "method", "") != "POST":
        return  # test clients' force_login and other programmatic logins
    log_action(None, "auth.login", user=user, action=AccessAction.LOGIN, changes={"path": _path(request)})


@receiver(user_locked_out, dispatch_uid="welfare.security.locked_out")
def log_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """The failure that reached the limit, and each attempt refused while the lock lasts."""
    log_action(None, "auth.locked_out", action=AccessAction.LOGIN,
               reason=f"{settings.AXES_FAILURE_LIMIT} failures",
               changes={"username": username or "", "ip": ip_address or "", "path": _path(request)})


# --- current locks ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lock:
    """An account (``kind="username"``) or an address (``kind="ip"``) locked until ``until``."""

    kind: str
    value: str
    failures: int
    last_attempt: datetime
    until: datetime
    full_name: str = ""


def _threshold() -> datetime:
    return timezone.now() - settings.AXES_COOLOFF_TIME


def current_locks(*, usernames: set[str] | None = None) -> list[Lock]:
    """The accounts and addresses locked now. ``usernames`` limits the account locks to those accounts (a district
    admin sees their district's); address locks are listed for everyone who may unlock."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=_threshold())
    limit = settings.AXES_FAILURE_LIMIT
    locks: list[Lock] = []
    for kind, column in (("username", "username"), ("ip", "ip_address")):
        rows = (recent.exclude(**{f"{column}__isnull": True}).values(column)
                .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
                .filter(failures__gte=limit).order_by("-last"))
        for row in rows:
            value = row[column]
            if kind == "username" and usernames is not None and value not in usernames:
                continue
            locks.append(Lock(kind=kind, value=value, failures=row["failures"], last_attempt=row["last"],
                              until=row["last"] + settings.AXES_COOLOFF_TIME))
    names = {u.username.lower(): u.get_full_name() for u in get_user_model().objects.annotate(
        lowered=Lower("username")).filter(lowered__in=[lock.value for lock in locks if lock.kind == "username"])}
    return [Lock(**{**lock.__dict__, "full_name": names.get(lock.value, "")}) if lock.kind == "username" else lock
            for lock in locks]


def lockout_response(request, original_response=None, credentials: dict | None = None):
    """``AXES_LOCKOUT_CALLABLE``: the Korean lockout page (429) on /login/ and /admin/login/."""
    from django.shortcuts import render

    return render(request, "welfare/security/locked_out.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }, status=429)
