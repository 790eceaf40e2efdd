"""Synthetic data of the public front door and the outbound messages (issue 20, issue 17 item 4) for the demo.

Per demo district: a district wording for the progress message; four requests through the real service (a
request for oneself routed by a demo road address, an anonymous neighbour's tip with the district queue, a
named tip with progress messages, one more for oneself), moved to different stages so the status page and the
message log show each; and a partner login ("partner" / "partner_ydp", the demo password) for one honorary
official, who sees their own reports at /report/mine/.

Messages go through the configured backend (console by default) in-process, as a worker would send them.
Idempotent: a district that already has a request from the door gets nothing new.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from discovery.models import CrisisReport, NetworkMember, PublicRequest
from discovery.services import PublicReportInput, ReporterInput, partner_login_link, public_request_submit
from discovery.services.front_door import public_requests_notify
from households.models import Household
from welfare.messaging.models import MessagePurpose
from welfare.messaging.services import template_save
from welfare.models import District

from .organisation import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD

PARTNERS = {"성동구": "partner", "영등포구": "partner_ydp"}
_ROAD = re.compile(r"([가-힣A-Za-z0-9]+(?:로|길))\s*(\d+)")


@contextlib.contextmanager
def _tasks_in_process():
    from welfare.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = before


def _road_address(district: District) -> str:
    for address in Household.objects.filter(dong__district=district, is_demo=True).values_list(
        "road_address", flat=True
    )[:50]:
        if (m := _ROAD.search(address)) is not None:
            return f"{district.name} {m.group(1)} {m.group(2)}, 2층"
    return f"{district.name} 어딘가로 1"


def _partner(district: District, superuser) -> int:
    username = PARTNERS.get(district.name)
    member = (
        NetworkMember.objects.filter(
            district=district, role="honorary", active_to__isnull=True, user__isnull=True
        )
        .order_by("id")
        .first()
    )
    if username is None or member is None or superuser is None:
        return 0
    User = get_user_model()
    user = User.objects.filter(username=username).first() or User.objects.create(
        username=username,
        first_name=member.name,
        email=f"{username}@{DEMO_EMAIL_DOMAIN}",
        password=make_password(DEMO_PASSWORD),
    )
    partner_login_link(member=member, user=user, by=superuser)
    return 1


def seed_front_door(*, districts: Iterable[District], superuser, admins: dict[str, object]) -> dict[str, int]:
    made = {"door_requests": 0, "message_templates": 0, "partners": 0}
    for district in districts:
        if PublicRequest.objects.filter(report__district=district).exists():
            continue
        admin = admins.get(district.name) or superuser
        template_save(
            district=district,
            purpose=MessagePurpose.REPORT_STATUS,
            channel="sms",
            alimtalk_code="",
            active=True,
            by=admin,
            body=f"[{district.name}] 접수번호 {{receipt}}: {{status}}. 확인: {{link}} (문의 120)",
        )
        made["message_templates"] += 1
        address = _road_address(district)
        requests = [
            PublicReportInput(
                kind="self",
                subject_name="김하늘",
                birth_date=dt.date(1952, 5, 17),
                subject_phone="010-0000-1001",
                subject_address=address,
                household_kind="alone",
                crisis_types=("livelihood", "health"),
                details="병원비와 월세가 밀렸어요.",
                consent=True,
                notify=True,
            ),
            PublicReportInput(
                kind="neighbour",
                district=district.pk,
                subject_description="반지하에 혼자 사는 청년",
                crisis_types=("loneliness",),
                details="몇 주째 밖에 나오지 않아요.",
            ),
            PublicReportInput(
                kind="neighbour",
                subject_address=address,
                subject_description="폐지 줍는 어르신",
                crisis_types=("livelihood", "care"),
                consent=True,
                notify=True,
                reporter=ReporterInput(name="이웃 주민", phone="010-0000-2002", relation="이웃"),
            ),
            PublicReportInput(
                kind="self",
                subject_name="박바다",
                birth_date=dt.date(1985, 11, 3),
                subject_phone="010-0000-3003",
                subject_address=address,
                household_kind="single_parent",
                crisis_types=("job", "care"),
                details="일자리를 잃고 아이를 혼자 키워요.",
                consent=True,
                notify=True,
            ),
        ]
        with _tasks_in_process():
            reports = [public_request_submit(given).report for given in requests]
            now = timezone.now()
            # Different stages: checking, contacted, closed (the first stays "received").
            CrisisReport.objects.filter(pk=reports[1].pk).update(status="screening")
            CrisisReport.objects.filter(pk=reports[2].pk).update(status="screening", first_contacted_at=now)
            CrisisReport.objects.filter(pk=reports[3].pk).update(
                status="resolved", outcome="linkage_only", resolved_at=now, first_contacted_at=now
            )
            public_requests_notify(now)
        made["door_requests"] += len(reports)
        made["partners"] += _partner(district, superuser)
    return made
