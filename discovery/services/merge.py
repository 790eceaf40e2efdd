"""Discovery services: merge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import IntegerField, OuterRef, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import (
    OPEN_STAGES,
    CareStatus,
    FollowUp,
    FollowUpStatus,
    Household,
    Relation,
    Resident,
    RiskLevel,
)
from welfare.audit import log_action
from welfare.errors import RuleError

from ..models import (
    CrisisReport,
    HouseholdMerge,
)
from .access import _require_editor

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# --- Household merge -------------------------------------------------------------------------------------------

_RISK_ORDER: dict[str, int] = {RiskLevel.EMERGENCY: 5, RiskLevel.HIGH: 4, RiskLevel.MEDIUM: 3, RiskLevel.LOW: 2,
                               RiskLevel.GENERAL: 1}
_CARE_ORDER: dict[str, int] = {CareStatus.UNDER_CARE: 3, CareStatus.MONITORING: 2, CareStatus.NOT_UNDER_CARE: 1}


def merge_counts(household: Household) -> dict[str, int]:
    """What a household holds, for the side-by-side merge page: one query of correlated counts (no join that
    multiplies visits by reports by links)."""
    from django.db.models import Count, Subquery
    from django.db.models.functions import Coalesce

    from households.models import Case, ServiceLink, Visit

    def count(queryset) -> Coalesce:
        rows = queryset.filter(household=OuterRef("pk")).order_by().values("household").annotate(n=Count("pk"))
        return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), Value(0))

    return Household.objects.filter(pk=household.pk).values(
        "pk",
    ).annotate(
        residents=count(Resident.objects.filter(left_on__isnull=True)),
        reports=count(CrisisReport.objects.all()),
        visits=count(Visit.objects.all()),
        cases=count(Case.objects.all()),
        open_cases=count(Case.objects.filter(stage__in=sorted(OPEN_STAGES))),
        links=count(ServiceLink.objects.all()),
    ).values("residents", "reports", "visits", "cases", "open_cases", "links").get()


def _household_relations() -> list:
    """Every foreign key to Household, hidden ones (``related_name="+"``, e.g. stage changes) included."""
    return [f for f in Household._meta.get_fields(include_hidden=True)
            if f.auto_created and not f.concrete and f.one_to_many]


@transaction.atomic
def household_merge(*, survivor: Household, duplicate: Household, by: User, reason: str) -> HouseholdMerge:
    """Two households found to be the same: everything of ``duplicate`` moves to ``survivor``, which stays.

    Set-based UPDATEs over every table that points at a household (found from the model graph, so a table added
    later moves too). The duplicate's open follow-up is cancelled where the survivor already has one open for the
    same reason (one open follow-up per household and reason); a second head of household becomes a cohabitant.
    The merge is written down (``HouseholdMerge``, with the counts moved) and logged on both ids.
    """
    _require_editor(by)
    reason = (reason or "").strip()
    if not reason:
        raise RuleError({"reason": [_("병합 사유를 적어 주세요.")]})
    if survivor.pk == duplicate.pk:
        raise RuleError(_("같은 세대끼리는 병합할 수 없습니다."))
    locked = {h.pk: h for h in Household.objects.visible_to(by).select_for_update(of=("self",))
              .filter(pk__in=[survivor.pk, duplicate.pk]).select_related("dong")}
    if len(locked) != 2:
        raise PermissionDenied
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.dong.district_id != duplicate.dong.district_id:
        raise RuleError(_("같은 구의 세대끼리만 병합할 수 있습니다."))
    if survivor.cases.open().exists() and duplicate.cases.open().exists():
        raise RuleError(_("두 세대 모두 진행 중인 사례가 있습니다. 사례 하나를 먼저 종결하거나 정리한 뒤 병합하세요."))

    moved: dict[str, int] = {}
    now = timezone.now()
    # One open follow-up per household and reason: the survivor's open one wins.
    survivor_reasons = set(FollowUp.objects.filter(household=survivor, status=FollowUpStatus.OPEN)
                           .values_list("reason", flat=True))
    cancelled = FollowUp.objects.filter(household=duplicate, status=FollowUpStatus.OPEN,
                                        reason__in=survivor_reasons).update(status=FollowUpStatus.CANCELLED,
                                                                            closed_at=now)
    if cancelled:
        moved["followups_cancelled"] = cancelled
    if survivor.residents.current().filter(relation=Relation.HEAD).exists():
        demoted = duplicate.residents.current().filter(relation=Relation.HEAD).update(
            relation=Relation.COHABITANT, updated_at=now)
        if demoted:
            moved["heads_demoted"] = demoted
    for relation in _household_relations():
        model = relation.related_model
        count = model._default_manager.filter(**{relation.field.name: duplicate}).update(
            **{relation.field.name: survivor})
        if count:
            moved[model._meta.model_name] = moved.get(model._meta.model_name, 0) + count

    fields = []
    if _RISK_ORDER.get(duplicate.risk_level, 0) > _RISK_ORDER.get(survivor.risk_level, 0):
        survivor.risk_level = duplicate.risk_level
        fields.append("risk_level")
    if _CARE_ORDER.get(duplicate.status, 0) > _CARE_ORDER.get(survivor.status, 0):
        survivor.status = duplicate.status
        fields.append("status")
    if duplicate.last_contact_on and (survivor.last_contact_on is None
                                      or duplicate.last_contact_on > survivor.last_contact_on):
        survivor.last_contact_on = duplicate.last_contact_on
        fields.append("last_contact_on")
    if survivor.assigned_official_id is None and duplicate.assigned_official_id is not None:
        survivor.assigned_official_id = duplicate.assigned_official_id
        fields.append("assigned_official")
    survivor.save(update_fields=[*fields, "updated_at"])

    merge = HouseholdMerge.objects.create(survivor=survivor, duplicate_id=duplicate.pk,
                                          duplicate_address=duplicate.full_address[:300], moved=moved,
                                          reason=reason[:300], by=by)
    duplicate_pk = duplicate.pk
    duplicate.delete()
    log_action(merge, "discovery.householdmerge.created", user=by, household_id=survivor.pk, reason=reason,
               changes={"duplicate": duplicate_pk, "moved": moved})
    log_action(survivor, "households.household.merged_away", user=by, household_id=duplicate_pk, reason=reason,
               changes={"survivor": survivor.pk})
    return merge
