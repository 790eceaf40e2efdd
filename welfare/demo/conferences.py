"""Demo case conferences (issue 16 item 3): the demo official records the conference of the cases of their dongs
still waiting in stage conference (two at most: one selected as 고난도 with its plan items, one as 일반), through
the service, so the class, the stage, the goals and the 15-day plan-agreement limit follow as in real use (a
small demo without such cases moves its earliest cases before the conference there first).
Skipped when the official already recorded one."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model

from households import services
from households.models import Case, CaseConference, CaseStage
from households.services.cases import assignable_officials
from welfare.common.dates import seoul_today

PARTNERS = (("지역 종합사회복지관", "사례관리팀장"), ("정신건강복지센터", "상담사"), ("보건소 방문건강관리팀", "간호사"),
            ("동 지역사회보장협의체", "민간위원장"))
PLANS = {
    "selected_difficult": [("health", "정신건강복지센터 상담 연계(주 1회)", "정신건강복지센터", 14),
                           ("safety", "가스·전기 안전 점검과 화재감지기 설치", "동 주민센터", 21),
                           ("income", "긴급복지 생계지원 신청", "동 주민센터", 10)],
    "selected_general": [("daily_living", "밑반찬 배달 연계(주 2회)", "지역 종합사회복지관", 7),
                         ("social", "우리동네돌봄단 안부 전화(주 1회)", "동 주민센터", 30)],
}


def seed_conferences(*, rng: random.Random) -> int:
    official = get_user_model().objects.filter(username="official").first()
    if official is None or CaseConference.objects.filter(created_by=official).exists():
        return 0
    # Cases waiting for their conference first; a small demo may have none, then cases still before it are moved
    # there (through the stage machine) to be decided.
    before = (CaseStage.CONFERENCE, CaseStage.ASSESSMENT, CaseStage.INTAKE)
    candidates = list(Case.objects.visible_to(official).filter(stage__in=before, household__is_demo=True)
                      .select_related("household").order_by("opened_on", "id"))
    waiting = sorted(candidates, key=lambda c: before.index(c.stage))[:2]
    today = seoul_today()
    made = 0
    for case, decision in zip(waiting, ("selected_difficult", "selected_general"), strict=False):
        for stage in before[before.index(case.stage) - 1::-1] if case.stage != CaseStage.CONFERENCE else ():
            services.case_transition(case=case, to=stage, by=official, expected_version=case.version,
                                     note="사례회의 개최")
        held_on = max(case.opened_on, today - dt.timedelta(days=rng.randint(0, 2)))
        staff = [official] if assignable_officials(case.household).filter(pk=official.pk).exists() else []
        services.conference_record(
            case=case, by=official, held_on=held_on,
            kind="difficult" if decision == "selected_difficult" else "general",
            body="hope_team" if decision == "selected_difficult" else "dong_council",
            staff=staff, partners=rng.sample(PARTNERS, 2), decision=decision,
            reason="안전과 정신건강 욕구가 겹쳐 고난도 사례로 선정" if decision == "selected_difficult" else "",
            plan_items=[(d, text, provider, held_on + dt.timedelta(days=days))
                        for d, text, provider, days in PLANS[decision]])
        made += 1
    return made
