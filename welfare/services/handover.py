"""Welfare services: handing over a departing (or moving) official's open work in one action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common.people import display_name
from welfare.errors import RuleError
from welfare.handover import HandOver, hand_over_parts
from welfare.models import Notification, NotificationKind, StaffMembership
from welfare.notifications import notify_many
from welfare.permissions import can, roles_with
from welfare.scoping import personal_dong_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def hand_over_candidates(by: User):
    """The staff whose work ``by`` may hand over: dong staff of the user's dongs, active or not."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(staff__role__in=roles_with("be_assigned") | roles_with("record_visits"),
                                            staff__dongs__in=personal_dong_ids(by))
            .distinct().order_by("-is_active", "first_name", "username"))


def receivers(by: User):
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(is_active=True, staff__role__in=roles_with("be_assigned"),
                                            staff__dongs__in=personal_dong_ids(by))
            .distinct().order_by("first_name", "username"))


def work_hand_over(*, from_user: User, to_user: User | None, by: User, dry_run: bool = False) -> dict[str, int]:
    """Every open item of ``from_user`` in ``by``'s dongs goes to ``to_user`` where they work, else to the dong's
    queue (unassigned, which the dong's leads assign from). Set-based per kind; logged once, and the receiver is
    notified. ``dry_run`` counts what would move."""
    if not can(by, "hand_over_work"):
        raise RuleError(_("업무 인계는 팀장과 구 관리자만 할 수 있습니다."))
    scope = personal_dong_ids(by)
    if not hand_over_candidates(by).filter(pk=from_user.pk).exists():
        raise RuleError({"from_user": [_("담당 동의 직원만 인계할 수 있습니다.")]})
    to_dongs: frozenset[int] = frozenset()
    if to_user is not None:
        if to_user.pk == from_user.pk:
            raise RuleError({"to_user": [_("인계받을 사람은 인계하는 사람과 달라야 합니다.")]})
        if not receivers(by).filter(pk=to_user.pk).exists():
            raise RuleError({"to_user": [_("담당 동에서 일하는 동 담당 공무원이나 팀장을 고르세요.")]})
        to_dongs = frozenset(StaffMembership.objects.get(user=to_user).dongs.values_list("pk", flat=True))
    order = HandOver(from_user=from_user, to_user=to_user, dong_ids=scope, to_dongs=to_dongs, dry_run=dry_run)
    with transaction.atomic():
        counts: dict[str, int] = {}
        for part in hand_over_parts():
            counts.update(part(order))
        if dry_run:
            return counts
        moved = sum(counts.values())
        log_action(from_user, "welfare.work.handed_over", user=by,
                   reason=_("업무 인계: %(to)s") % {"to": _name(to_user) if to_user else _("동 대기열")},
                   changes={"to": getattr(to_user, "pk", None), **counts})
        if to_user is not None and moved:
            notify_many([Notification(
                user=to_user, kind=NotificationKind.HAND_OVER,
                title=_("%(who)s님의 업무 %(n)s건을 인계받았습니다.") % {"who": _name(from_user), "n": moved},
                url="/", dedupe_key=f"handover:{from_user.pk}:{to_user.pk}:{moved}:{_stamp()}")])
    return counts


def _name(user: User | None) -> str:
    return display_name(user) if user else ""


def _stamp() -> str:
    from django.utils import timezone

    return f"{timezone.now():%Y%m%d%H%M%S%f}"
