"""The legal text shown (and printed on the signed PDF) for each consent scope, in plain Korean, after the
Personal Information Protection Act (개인정보 보호법, PIPA):

- art. 15(2): collection and use — purpose, items, retention period, the right to refuse and what refusing means;
- art. 23: sensitive information (health, disability...) needs its own consent, apart from the others;
- art. 17(2): provision to third parties — who receives it, their purpose, items, their retention, refusal;
- art. 24: unique identifiers (the resident registration number) — only where a law allows it or with a
  separate consent.

One module holds every text, so the form, the PDF and the tests read the same words. Check them with the
district's privacy officer before use: the retention period follows ``RETENTION_YEARS``, and the third-party text
names the recipients written on the consent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from .models import ConsentScope


@dataclass(frozen=True)
class ConsentText:
    scope: str
    title: str
    law: str
    purpose: str
    items: str
    retention: str
    refusal: str
    recipients_label: str = ""

    def sections(self, *, recipients: str = "") -> list[tuple[str, str]]:
        """(heading, text) in the order they are shown and printed."""
        years = settings.RETENTION_YEARS
        rows = []
        if self.recipients_label:
            rows.append((self.recipients_label, recipients or "(제공받는 자를 적어 주세요)"))
        rows += [
            ("목적", self.purpose),
            ("항목", self.items),
            ("보유·이용 기간", self.retention.format(years=years)),
            ("동의를 거부할 권리와 불이익", self.refusal),
        ]
        return rows


CONSENT_TEXTS: dict[str, ConsentText] = {
    ConsentScope.COLLECT_USE: ConsentText(
        scope=ConsentScope.COLLECT_USE,
        title="개인정보 수집·이용 동의",
        law="「개인정보 보호법」 제15조",
        purpose="복지 위기 가구 발굴, 상담, 통합사례관리, 복지 서비스 안내·연계와 사후 관리를 위해 동 주민센터가 "
                "개인정보를 수집하고 이용합니다.",
        items="성명, 생년월일, 성별, 주소, 연락처, 가구 구성, 소득·재산과 생활 형편, 상담·방문 기록",
        retention="사례관리가 끝난 날부터 {years}년 동안 보관한 뒤 파기하거나 알아볼 수 없게 처리합니다.",
        refusal="동의하지 않으실 수 있습니다. 동의하지 않으시면 통합사례관리 등 맞춤형 서비스 연계가 어려울 수 "
                "있습니다. 법령에 따른 급여 신청은 따로 하실 수 있습니다.",
    ),
    ConsentScope.SENSITIVE: ConsentText(
        scope=ConsentScope.SENSITIVE,
        title="민감정보 처리 동의",
        law="「개인정보 보호법」 제23조",
        purpose="필요한 도움을 정확히 살피고 건강·돌봄·장애 관련 서비스를 연계하기 위해 민감정보를 따로 동의받아 "
                "처리합니다.",
        items="신체·정신 건강 상태, 장애 유형과 정도, 중독 관련 정보",
        retention="사례관리가 끝난 날부터 {years}년 동안 보관한 뒤 파기하거나 알아볼 수 없게 처리합니다.",
        refusal="동의하지 않으실 수 있습니다. 동의하지 않으시면 건강·돌봄·장애 관련 서비스 연계가 어려울 수 "
                "있으며, 그 밖의 상담과 서비스에는 영향이 없습니다.",
    ),
    ConsentScope.THIRD_PARTY: ConsentText(
        scope=ConsentScope.THIRD_PARTY,
        title="개인정보 제3자 제공 동의",
        law="「개인정보 보호법」 제17조",
        recipients_label="제공받는 자",
        purpose="제공받는 기관이 후원, 돌봄, 의료, 주거 등 필요한 서비스를 제공하고 그 결과를 동 주민센터와 "
                "함께 확인하기 위해 제공합니다.",
        items="성명, 연락처, 주소, 가구 형편과 서비스에 필요한 욕구·상황 정보",
        retention="제공받는 기관의 서비스가 끝날 때까지 보유하며, 관계 법령에 보존 기간이 있으면 그에 따릅니다.",
        refusal="동의하지 않으실 수 있습니다. 동의하지 않으시면 해당 기관의 서비스 연계가 어려울 수 있으며, "
                "공공 서비스는 그대로 안내받으실 수 있습니다.",
    ),
    ConsentScope.UNIQUE_ID: ConsentText(
        scope=ConsentScope.UNIQUE_ID,
        title="고유식별정보 처리 동의",
        law="「개인정보 보호법」 제24조",
        purpose="본인 확인과 공적 급여·서비스 신청 및 자격 조회를 위해 고유식별정보를 처리합니다. 법령이 처리를 "
                "허용하는 경우에는 그 법령에 따릅니다.",
        items="주민등록번호(외국인등록번호)",
        retention="사례관리가 끝난 날부터 {years}년 동안 암호화해 보관한 뒤 파기합니다.",
        refusal="동의하지 않으실 수 있습니다. 동의하지 않으시면 급여 신청과 자격 조회를 대신 도와드리기 어려울 "
                "수 있습니다.",
    ),
}

AGREEMENT = "위 내용을 충분히 설명 듣고 이해하였으며, 이에 동의합니다."
