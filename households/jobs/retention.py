"""5. Retention (daily): the personal data of households whose last case closed more than the retention period
ago is blanked, every row (and so every count) kept. The apps above add what keeps a household and what to
blank of theirs through the hooks (discovery: crisis reports, reporters, rewards, merges)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat, TruncYear
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_actions
from welfare.common.dates import shift_years, start_of
from welfare.jobs import register
from welfare.models import Dong

from ..models import (
    Attachment,
    Case,
    CaseNeed,
    CaseStageChange,
    CheckIn,
    FollowUp,
    FollowUpStatus,
    Household,
    Measurement,
    MemberEvent,
    Resident,
    SensitiveProfile,
    Visit,
    VisitNeed,
)
from ..services.attachments import attachments_purge, remove_deleted_files
from .common import CARE_STATUSES, keyset
from .hooks import register_retention_sweep, retention_parts, retention_sweeps

ANONYMOUS_NAME = "익명"
ANONYMISED_PREFIX = "(익명화됨) "


def expired_households(today: dt.date) -> models.QuerySet:
    """Households whose personal data has outlived the retention period (settings.RETENTION_YEARS).

    Every case of the household closed more than the period ago (and none open or closed since), nothing in
    the period (no visit, crisis report or check-in), no open follow-up, no longer under care or monitoring,
    and not yet anonymised.
    """
    cutoff_day = shift_years(today, -settings.RETENTION_YEARS)
    cutoff = start_of(cutoff_day)
    cases = Case.objects.filter(household=OuterRef("pk"))
    expired = (
        Household.objects.filter(anonymised_at__isnull=True).exclude(status__in=CARE_STATUSES)
        .filter(Exists(cases.filter(closed_on__lt=cutoff_day)))
        .exclude(Exists(cases.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=cutoff_day))))
        .exclude(Exists(Visit.objects.filter(household=OuterRef("pk"), visited_at__gte=cutoff)))
        .exclude(Exists(CheckIn.objects.filter(household=OuterRef("pk"), at__gte=cutoff)))
        .exclude(Exists(FollowUp.objects.filter(household=OuterRef("pk"), status=FollowUpStatus.OPEN)))
    )
    for part in retention_parts():  # e.g. a crisis report received within the period (discovery.jobs)
        expired = expired.exclude(Exists(part.recent(cutoff).filter(household=OuterRef("pk"))))
    return expired


@register("retention", label="보존기간 지난 사례 익명화", window="day")
def retention(now: dt.datetime) -> dict[str, int]:
    """Anonymise the personal fields of :func:`expired_households`, keeping every row (and so every count); then
    the other expiries apps register (:func:`~households.jobs.hooks.register_retention_sweep`: the uploaded
    files of list imports past ``IMPORT_UPLOAD_RETENTION_DAYS``).

    Budget: per page of 1,000 households, one transaction of about 20 UPDATE/DELETE … WHERE household_id IN
    and one INSERT of access-log entries. Daily volume: the households whose last case closed five years ago
    that day, a handful.
    """
    counts: dict[str, int] = defaultdict(int)
    expired = expired_households(timezone.localdate(now))
    for rows in keyset(expired, (), size=1_000):
        with transaction.atomic():
            for key, value in anonymise_households([r[0] for r in rows], now=now).items():
                counts[key] += value
    for sweep in retention_sweeps():  # e.g. uploaded list files past IMPORT_UPLOAD_RETENTION_DAYS (discovery.jobs)
        for key, value in sweep(now).items():
            if value:  # only what happened: a quiet night reports the households alone
                counts[key] += value
    return {"households": 0, **counts}


def _blank_encrypted_rrn(household_ids: Sequence[int]) -> None:
    """Store a plain empty string: the encrypted field would store the ciphertext of "" (and, given an
    expression, the ciphertext of the expression's repr), so this one column is written in SQL."""
    qn = connection.ops.quote_name
    table, column = Resident._meta.db_table, Resident._meta.get_field("rrn_encrypted").column
    placeholders = ", ".join(["%s"] * len(household_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {qn(table)} SET {qn(column)} = '' WHERE {qn('household_id')} IN ({placeholders})",
                       list(household_ids))


def anonymise_households(ids: list[int], *, now: dt.datetime) -> dict[str, int]:
    """Blank names, numbers, addresses and free text of these households and everything about them."""
    residents = Resident.objects.filter(household_id__in=ids).update(
        name=ANONYMOUS_NAME, phone="", rrn_hash="", birth_date=TruncYear("birth_date"))
    _blank_encrypted_rrn(ids)
    SensitiveProfile.objects.filter(resident__household_id__in=ids).delete()
    # Health readings are sensitive data like the profile: they go (no count of the product reads them after).
    Measurement.objects.filter(household_id__in=ids).delete()
    dong_name = Dong.objects.filter(pk=OuterRef("dong_id")).values("name")[:1]
    Household.objects.filter(pk__in=ids).update(
        road_address=Concat(Value(ANONYMISED_PREFIX), Subquery(dong_name), output_field=models.CharField()),
        address_detail="", address_key="", anonymised_at=now)
    Visit.objects.filter(household_id__in=ids).update(observations="")
    VisitNeed.objects.filter(visit__household_id__in=ids).update(note="")
    FollowUp.objects.filter(household_id__in=ids).update(note="")
    CheckIn.objects.filter(household_id__in=ids).update(note="")
    MemberEvent.objects.filter(household_id__in=ids).update(note="")
    cases = Case.objects.filter(household_id__in=ids).update(summary="", closing_note="", anonymised_at=now)
    CaseNeed.objects.filter(case__household_id__in=ids).update(note="")
    CaseStageChange.objects.filter(household_id__in=ids).update(note="")
    # Attachments (photos, scans, signed consents) go entirely: tombstones stay, files are removed on commit.
    attachments = attachments_purge(Attachment.objects.filter(household_id__in=ids), now=now,
                                    reason=_("보존기간 경과로 익명화"), title=ANONYMISED_PREFIX.strip())
    counts: dict[str, int] = {}
    for part in retention_parts():  # the reports' tables (discovery.jobs)
        for key, value in part.anonymise(ids, now).items():
            counts[key] = counts.get(key, 0) + value
    households = list(Household.objects.filter(pk__in=ids).only("pk", "road_address", "address_detail"))
    log_actions(households, "households.household.anonymised",
                reason=_("보존기간 %(years)s년 경과") % {"years": settings.RETENTION_YEARS})
    if attachments:
        counts["attachments"] = counts.get("attachments", 0) + attachments
    return {"households": len(households), "residents": residents, "cases": cases, **counts}


@register_retention_sweep
def attachment_files(now: dt.datetime) -> dict[str, int]:
    """Files of deleted attachments still in storage (removal is retried here when it failed after a commit)."""
    return {"attachment_files_removed": remove_deleted_files(Attachment.objects.all())}
