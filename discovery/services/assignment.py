"""Discovery services: assignment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action, log_actions
from welfare.common.people import display_name
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.permissions import role_can, roles_with
from welfare.scoping import membership, personal_dong_ids

from ..models import (
    CrisisReport,
    ReportStatus,
)
from .access import _require_editor, _require_open, _require_visible

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# --- Assignment ------------------------------------------------------------------------------------------------


@dataclass
class AssignResult:
    done: int = 0
    skipped: int = 0  # not visible to the user, or resolved
    not_in_dong: int = 0  # the official does not work in the report's dong (or no dong could be chosen)


def dong_staff_ids(dong_id: int) -> set[int]:
    from django.contrib.auth import get_user_model

    return set(get_user_model().objects.filter(staff__role__in=roles_with("be_assigned"), staff__dongs=dong_id, is_active=True)
               .values_list("pk", flat=True))


@transaction.atomic
def report_set_dong(*, report: CrisisReport, dong: Dong, by: User) -> CrisisReport:
    """Move a report of the district queue (or of a wrong dong) to a dong of the same district."""
    _require_editor(by)
    _require_visible(report, by)
    _require_open(report)
    if dong.district_id != report.district_id:
        raise RuleError(_("같은 구의 동으로만 옮길 수 있습니다."))
    if dong.pk not in personal_dong_ids(by):
        raise RuleError(_("담당하지 않는 동으로는 옮길 수 없습니다."))
    previous = report.dong_id
    if previous == dong.pk:
        return report
    CrisisReport.objects.filter(pk=report.pk).update(dong=dong, updated_at=timezone.now())
    report.dong = dong
    log_action(report, "discovery.crisisreport.dong_set", user=by, changes={"from": previous, "to": dong.pk})
    return report


@transaction.atomic
def reports_assign(*, reports, by: User, to_user, dong: Dong | None = None) -> AssignResult:
    """Assign many reports to one official: set-based, only reports visible to ``by`` and still open.

    The official must be dong staff of each report's dong. A district-queue report (no dong yet) gets ``dong``
    (or the official's only dong in the district) at the same time. Received reports move to screening.
    """
    _require_editor(by)
    staff = membership(to_user)
    if staff is None or not role_can(staff.role, "be_assigned") or not to_user.is_active:
        raise RuleError(_("동 담당 공무원이나 팀장에게만 배정할 수 있습니다."))
    their_dongs = set(staff.dongs.values_list("pk", flat=True))
    ids = {int(getattr(r, "pk", r)) for r in reports}
    visible = list(CrisisReport.objects.visible_to(by).filter(pk__in=ids).open()
                   .only("pk", "dong_id", "district_id", "receipt_code", "status").order_by("pk"))
    if dong is not None and (dong.pk not in personal_dong_ids(by) or dong.pk not in their_dongs):
        raise RuleError(_("배정할 동은 본인과 배정받을 직원이 모두 담당하는 동이어야 합니다."))
    # The dongs a district-queue report may be given: both users' dongs, in the report's district.
    shared = dict(Dong.objects.filter(pk__in=their_dongs & personal_dong_ids(by)).values_list("pk", "district_id"))
    targets, to_place = [], []
    for report in visible:
        if report.dong_id is None:
            if dong is not None:
                options = [dong.pk] if dong.district_id == report.district_id else []
            else:
                options = [pk for pk, district_id in shared.items() if district_id == report.district_id]
            if len(options) != 1:
                continue
            to_place.append((report, options[0]))
            targets.append(report)
        elif report.dong_id in their_dongs:
            targets.append(report)
    now = timezone.now()
    for report, dong_id in to_place:
        CrisisReport.objects.filter(pk=report.pk, dong__isnull=True).update(dong_id=dong_id, updated_at=now)
    pks = [r.pk for r in targets]
    if pks:
        CrisisReport.objects.filter(pk__in=pks).update(
            assigned_official=to_user, updated_at=now,
            status=SqlCase(When(status=ReportStatus.RECEIVED, then=Value(ReportStatus.SCREENING)),
                           default=F("status")),
        )
        reason = _("배정: %(name)s") % {"name": display_name(to_user)}
        log_actions(targets, "discovery.crisisreport.assigned", user=by, reason=reason)
    return AssignResult(done=len(pks), skipped=len(ids) - len(visible), not_in_dong=len(visible) - len(pks))
