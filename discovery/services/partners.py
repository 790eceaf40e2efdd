"""The partners' door: a network member (통장, 이웃 주민, 부동산...) with a login of their own follows the reports they
made at /report/mine/ — receipt, date, dong and plain stage, never the household or its outcome. The keepers of
the network (``edit_network``) give, create and take away those logins; every change is audited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.errors import RuleError

from ..models import CrisisReport, NetworkMember
from .front_door import stage_q


def partner_of(user) -> NetworkMember | None:
    """The network member whose login ``user`` is (an active one), else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return NetworkMember.objects.filter(user=user, active_to__isnull=True).first()


def partner_reports(member: NetworkMember):
    """The member's own reports with their public stage (computed in SQL): receipt, date, dong, stage — never the
    household, the case or the outcome of someone else's life."""
    return (
        CrisisReport.objects.filter(network_member=member)
        .select_related("dong")
        .annotate(stage=stage_q(""))
        .only("receipt_code", "received_at", "dong__name", "status")
        .order_by("-received_at", "-id")
    )


def partner_login_link(*, member: NetworkMember, user, by) -> NetworkMember:
    """Give a network member their own login (a plain account with no staff role), or take it away (``user``
    None). Officials who keep the network (``edit_network``) of the member's district; audited."""
    from welfare.audit import log_action
    from welfare.permissions import can
    from welfare.scoping import membership

    staff = membership(by)
    if not can(by, "edit_network") or (
        not by.is_superuser and (staff is None or staff.district_id != member.district_id)
    ):
        raise RuleError(_("인적안전망 구성원의 로그인 계정을 정할 권한이 없습니다."))
    if user is not None and getattr(user, "staff", None) is not None:
        raise RuleError({"user": [_("직원 계정은 인적안전망 구성원의 계정이 될 수 없습니다.")]})
    with transaction.atomic():
        member.user = user
        member.save(update_fields=["user"])
        log_action(
            member,
            "discovery.networkmember.login_linked",
            user=by,
            changes={"user": getattr(user, "pk", None)},
        )
    return member


def partner_account_create(*, member: NetworkMember, username: str, password: str, by) -> NetworkMember:
    """A new plain login (no staff role) for a network member, with the password the keeper gives them once; the
    member then sees their own reports at /report/mine/. The username must be free and the password pass the
    site's validators; nothing is created when either is refused."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError as DjangoValidationError

    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    User = get_user_model()
    if not username or len(username) > 150 or not all(c.isalnum() or c in "@.+-_" for c in username):
        errors["username"] = [_("아이디는 150자 이내의 영문·숫자와 @ . + - _ 만 쓸 수 있습니다.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("이미 쓰이는 아이디입니다.")]
    if member.user_id is not None:
        errors["username"] = [_("이미 로그인 계정이 연결되어 있습니다. 먼저 연결을 해제하세요.")]
    candidate = User(username=username, first_name=member.name)
    try:
        validate_password(password or "", candidate)
    except DjangoValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise RuleError(errors)
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, first_name=member.name)
        return partner_login_link(member=member, user=user, by=by)


def partner_login_unlink(*, member: NetworkMember, by) -> NetworkMember:
    """Take the member's login away: the account is deactivated (kept, as every account is, for the logs)."""
    user = member.user
    member = partner_login_link(member=member, user=None, by=by)
    if user is not None:
        type(user).objects.filter(pk=user.pk).update(is_active=False)
    return member
