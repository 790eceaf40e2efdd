"""Demo case transfers (issue 15): the demo official asks the district team (희망복지지원단) to take over two
difficult cases of their dongs; the demo team member accepts one, so ``hope_team`` finds a request waiting and a
case it holds. Made through the services (audited, notified); skipped when the district already has transfers."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from households import services
from households.models import OPEN_STAGES, Case, CaseClass, CaseTransfer

REASONS = (
    "정신건강 위기와 안전 문제가 겹쳐 동 단위 사례관리로는 어렵습니다. 희망복지지원단의 통합사례관리를 요청합니다.",
    "채무와 주거 위기가 복합적이고 가족 갈등이 심해 고난도 사례회의 결과에 따라 이관을 요청합니다.",
)


def seed_transfers() -> int:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=("official", "hope_team"))}
    official, team = users.get("official"), users.get("hope_team")
    if official is None or team is None or CaseTransfer.objects.filter(requested_by=official).exists():
        return 0
    cases = list(
        Case.objects.visible_to(official).filter(case_class=CaseClass.DIFFICULT, stage__in=OPEN_STAGES,
                                                 household__is_demo=True)
        .select_related("household__dong").order_by("opened_on", "id")[: len(REASONS)]
    )
    made = 0
    for index, (case, reason) in enumerate(zip(cases, REASONS, strict=False)):
        transfer = services.transfer_request(case=case, by=official, reason=reason)
        if index == 0:
            services.transfer_accept(transfer=transfer, by=team, note="지원단에서 맡겠습니다. 다음 주 사례회의에 함께해 주세요.")
        made += 1
    return made
