"""Discovery services: an eligible reward decision goes to the dong's leads for approval; a lead approves it or
returns it to the official who made it, with a comment; the official sends it up again once fixed. Each step
notifies the other side (in-app, deduplicated)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from households.jobs.common import Recipients
from welfare.approvals import RETURN_COMMENT_MAX, RETURN_COMMENT_MIN
from welfare.audit import log_action
from welfare.errors import RuleError
from welfare.models import Notification, NotificationKind
from welfare.notifications import notify_many

from ..models import RewardDecision

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _stamp() -> str:
    return f"{timezone.now():%Y%m%d%H%M%S%f}"


def _title(decision: RewardDecision, text: str) -> str:
    return f"{text}: {decision.report.receipt_code} ({decision.informant_label}, {decision.amount_krw:,}원)"


def announce_for_approval(decision: RewardDecision, *, by: User | None = None) -> int:
    """An eligible decision waits for a lead: the dong's leads (the district's admins without a dong) hear of it."""
    if not decision.eligible or decision.approved_by_id is not None:
        return 0
    report = decision.report
    people = Recipients.load(dong_id=report.dong_id).of(official_id=None, dong_id=report.dong_id,
                                                        district_id=report.district_id) if report.dong_id else []
    return notify_many([Notification(
        user_id=user_id, kind=NotificationKind.APPROVAL, title=_title(decision, _("신고포상금 승인 요청")),
        url=reverse("inbox"), dedupe_key=f"reward:{decision.pk}:ask:{_stamp()}")
        for user_id in people if user_id != getattr(by, "pk", None)])


def announce_decided(decision: RewardDecision, *, by: User, approved: bool) -> int:
    if decision.decided_by_id is None or decision.decided_by_id == by.pk:
        return 0
    text = _("신고포상금 승인") if approved else _("신고포상금 판단 반려 — %(note)s") % {"note": decision.return_note}
    return notify_many([Notification(
        user_id=decision.decided_by_id, kind=NotificationKind.APPROVAL, title=_title(decision, text),
        url=reverse("discovery:report_detail", args=[decision.report_id]),
        dedupe_key=f"reward:{decision.pk}:{'ok' if approved else 'back'}:{_stamp()}")])


@transaction.atomic
def reward_return(*, decision: RewardDecision, by: User, comment: str) -> RewardDecision:
    """A lead sends an eligible, unapproved decision back to the official who made it, saying why."""
    from .rewards import _visible

    _visible(decision, by)
    comment = " ".join((comment or "").split())
    if len(comment) < RETURN_COMMENT_MIN:
        raise RuleError({"comment": [_("돌려보내는 이유를 %(n)s자 이상 적어 주세요.") % {"n": RETURN_COMMENT_MIN}]})
    if len(comment) > RETURN_COMMENT_MAX:
        raise RuleError({"comment": [_("%(n)s자 이내로 적어 주세요.") % {"n": RETURN_COMMENT_MAX}]})
    decision = RewardDecision.objects.select_for_update().select_related("report").get(pk=decision.pk)
    if decision.approved_by_id is not None:
        raise RuleError(_("이미 승인된 결정은 돌려보낼 수 없습니다."))
    if not decision.eligible:
        raise RuleError(_("지급 대상인 결정만 승인함에서 돌려보냅니다."))
    decision.returned_on, decision.return_note = timezone.localdate(), comment
    decision.save(update_fields=["returned_on", "return_note"])
    log_action(decision, "discovery.rewarddecision.returned", user=by, changes={"comment": comment})
    announce_decided(decision, by=by, approved=False)
    return decision


@transaction.atomic
def reward_resubmit(*, decision: RewardDecision, by: User) -> RewardDecision:
    """The official sends a returned decision up again (after fixing what the lead asked)."""
    from .rewards import visible_decisions

    if not visible_decisions(by).filter(pk=decision.pk).exists():
        raise RuleError(_("이 결정을 볼 권한이 없습니다."))
    decision = RewardDecision.objects.select_for_update().select_related("report").get(pk=decision.pk)
    if decision.returned_on is None:
        return decision
    decision.returned_on, decision.return_note = None, ""
    decision.save(update_fields=["returned_on", "return_note"])
    log_action(decision, "discovery.rewarddecision.resubmitted", user=by)
    announce_for_approval(decision, by=by)
    return decision
