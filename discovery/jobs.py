"""Discovery's scheduled work: the daily ``universal_visits`` job and the hourly ``import_sweep`` (registered in
:mod:`welfare.jobs`), and what
discovery adds to households' sweeps through their hooks: crisis reports past their first-contact deadline
(``mark_overdue``) and the reports' tables in the retention job (``retention``). Households finds this module
with ``discover("jobs")``; discovery's AppConfig imports it so the job is registered at start-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from households.jobs.common import WRITE_BATCH, Recipients, keyset, notify, url_pattern
from households.jobs.hooks import (
    RetentionPart,
    register_overdue_sweep,
    register_retention_part,
    register_retention_sweep,
)
from households.jobs.retention import ANONYMISED_PREFIX, ANONYMOUS_NAME
from households.models import Attachment, Resident
from households.services.attachments import attachments_purge
from welfare.common.dates import add_months
from welfare.jobs import register
from welfare.models import Notification, NotificationKind

from .attachment_owners import REPORT
from .imports import MAX_ATTEMPTS, batch_mark_interrupted, stalled_batches, uploads_expire
from .models import (
    ContactAttempt,
    CrisisReport,
    HouseholdMerge,
    ReporterIdentity,
    RewardDecision,
    UniversalKind,
    UniversalVisitTarget,
)
from .services.universal import UNIVERSAL_AGE, birthday, births_turning, follow_up_targets, person_key


@register("universal_visits", label="보편 방문(만 65세·출생) 예정 생성", window="day")
def universal_visits(now: dt.datetime) -> dict[str, int]:
    """Current residents whose 65th birthday falls within the coming month become universal-visit targets
    (once per person: the target's unique key), and every target without a follow-up, newborn families of
    the imported lists included, gets one (reason universal, due on the birthday or the list's date):
    :func:`discovery.services.universal.follow_up_targets`.

    A target keeps its follow-up: once that visit is done or cancelled, later runs make no other for it.
    Two targets of one household share its open universal follow-up (one open per household and reason).

    Budget: one read of the residents in a one-month birth-date range (index on birth_date not required: the
    range is a small share of residents), then per 2,000 targets 1 read + 1 INSERT, and one UPDATE linking
    targets to follow-ups. A district has a few hundred people turning 65 a month.
    """
    today = timezone.localdate(now)
    born_from, born_to = births_turning(UNIVERSAL_AGE, today, add_months(today, 1))
    residents = Resident.objects.filter(
        left_on__isnull=True, birth_date__gte=born_from, birth_date__lte=born_to,
        household__anonymised_at__isnull=True,
    ).exclude(
        # Already a target under another key (an imported turning-65 list names the person, not the row).
        Exists(UniversalVisitTarget.objects.filter(kind=UniversalKind.TURNING_65, resident_id=OuterRef("pk")))
    )
    targets = 0
    for rows in keyset(residents, ("household_id", "household__dong__district_id", "birth_date")):
        keys = {person_key(pk): row for row in rows for pk in [row[0]]}
        known = set(UniversalVisitTarget.objects.filter(kind=UniversalKind.TURNING_65, person_key__in=list(keys))
                    .values_list("person_key", flat=True))
        fresh = [UniversalVisitTarget(district_id=district_id, kind=UniversalKind.TURNING_65,
                                      household_id=household_id, resident_id=pk, person_key=key,
                                      due_on=birthday(born, UNIVERSAL_AGE))
                 for key, (pk, household_id, district_id, born) in keys.items() if key not in known]
        UniversalVisitTarget.objects.bulk_create(fresh, batch_size=WRITE_BATCH, ignore_conflicts=True)
        targets += len(fresh)
    follow_ups, linked = follow_up_targets(UniversalVisitTarget.objects.filter(follow_up__isnull=True))
    return {"targets": targets, "follow_ups": follow_ups, "linked": linked}


@register("import_sweep", label="멈춘 명단 업로드 이어서 처리", window="hour")
def import_sweep(now: dt.datetime) -> dict[str, int]:
    """List imports whose worker vanished (no heartbeat for ``IMPORT_STALE_SECONDS``) or whose message was lost
    are enqueued again: the task claims them and goes on from their last committed line. One claimed
    :data:`~discovery.imports.MAX_ATTEMPTS` times is left interrupted, for "다시 시작" on its page."""
    from .tasks import import_batch_run

    resumed = interrupted = 0
    for pk, attempts in stalled_batches(now).values_list("pk", "attempts"):
        if attempts < MAX_ATTEMPTS:
            transaction.on_commit(partial(import_batch_run.delay, pk))
            resumed += 1
        elif batch_mark_interrupted(pk, message=_(
                "처리하던 작업이 %(n)d번 멈춰 자동으로 이어서 처리하지 않습니다. 파일이 너무 크면 나누어 올리고, "
                "아니면 '다시 시작'을 눌러 멈춘 곳부터 이어서 처리하세요.") % {"n": attempts}):
            interrupted += 1
    return {"resumed": resumed, "interrupted": interrupted}


@register_overdue_sweep
def mark_reports_overdue(now: dt.datetime, recipients: Recipients) -> dict[str, int]:
    """Crisis reports past their first-contact deadline (:meth:`CrisisReportQuerySet.overdue`) are marked once
    and their official and the dong's team (the district's admins for the district queue) told once."""
    pending = CrisisReport.objects.overdue(now).filter(overdue_at__isnull=True)
    report_url = url_pattern("discovery:report_detail")
    marked = sent = 0
    for rows in keyset(pending, ("receipt_code", "assigned_official_id", "dong_id", "district_id", "household_id")):
        with transaction.atomic():
            marked += CrisisReport.objects.filter(pk__in=[r[0] for r in rows], overdue_at__isnull=True).update(
                overdue_at=now)
            sent += notify(
                Notification(user_id=user_id, kind=NotificationKind.OVERDUE_REPORT,
                             title=_("제보 초기 접촉 기한 경과: 접수번호 %(code)s") % {"code": code}, url=report_url.format(pk),
                             household_id=household_id, dedupe_key=f"overdue:report:{pk}", created_at=now)
                for pk, code, official, dong_id, district_id, household_id in rows
                for user_id in recipients.of(official_id=official, dong_id=dong_id, district_id=district_id)
            )
    return {"reports": marked, "notifications": sent}


def _recent_reports(cutoff: dt.datetime):
    return CrisisReport.objects.filter(received_at__gte=cutoff)


def _anonymise_reports(ids: Sequence[int], now: dt.datetime) -> dict[str, int]:
    """The reports' subject, reporter, contact notes, reward informants and merge records of these households."""
    ReporterIdentity.objects.filter(report__household_id__in=ids).delete()
    reports = CrisisReport.objects.filter(household_id__in=ids).update(
        subject_name="", subject_phone="", subject_address="", subject_description="", details="", handoff_note="")
    ContactAttempt.objects.filter(report__household_id__in=ids).update(note="")
    RewardDecision.objects.filter(report__household_id__in=ids).update(informant_label=ANONYMOUS_NAME,
                                                                      informant_key="anonymised")
    HouseholdMerge.objects.filter(survivor_id__in=ids).update(duplicate_address=ANONYMISED_PREFIX.strip())
    # The reports' attachments normally carry the household already (linking a report moves them); any that do
    # not go here too.
    attachments = attachments_purge(
        Attachment.objects.filter(owner_kind=REPORT.key,
                                  owner_id__in=CrisisReport.objects.filter(household_id__in=ids).values("pk")),
        now=now, reason=_("보존기간 경과로 익명화"), title=ANONYMISED_PREFIX.strip())
    return {"reports": reports, **({"attachments": attachments} if attachments else {})}


register_retention_part(RetentionPart(recent=_recent_reports, anonymise=_anonymise_reports))
register_retention_sweep(uploads_expire)


@register("notify_public_requests", label="주민 신청·신고 진행 알림", window="hour")
def notify_public_requests(now):
    """Tell those who asked for it that their request moved on (discovery.services.front_door)."""
    from .services.front_door import public_requests_notify

    return {"sent": public_requests_notify(now)}
