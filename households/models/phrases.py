"""Households models: the phrase templates a district keeps for the visit form's notes (issue 13 item 5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels

from .cases import NeedDomain

# The phrases a district starts with, until its admin saves its own (구 설정 › 정책 › 자주 쓰는 문구): plain words
# an official would type after a visit, a few per domain. Not translated: they are text the official inserts
# into a Korean record, not interface.
DEFAULT_PHRASES: dict[str, tuple[str, ...]] = {
    NeedDomain.SAFETY: ("집 안에 넘어질 위험이 있는 물건이 많음", "가스·전기 안전 점검 필요", "밤에 혼자 있는 것을 불안해함"),
    NeedDomain.HEALTH: ("복약을 제때 하지 못함", "병원 진료를 미루고 있음", "식사를 거르는 날이 많음"),
    NeedDomain.DAILY_LIVING: ("장보기·식사 준비에 도움 필요", "청소·빨래를 혼자 하기 어려움", "거동이 불편해 외출이 어려움"),
    NeedDomain.FAMILY: ("가족과 연락이 끊김", "가족 간 갈등으로 도움을 받기 어려움", "돌보는 가족의 부담이 큼"),
    NeedDomain.SOCIAL: ("이웃과 교류가 거의 없음", "외출이 드물고 대화 상대가 없음", "복지관 프로그램 참여 의사 있음"),
    NeedDomain.INCOME: ("월세·관리비 체납", "공과금 체납 안내를 받음", "기초생활보장 신청 상담 필요"),
    NeedDomain.EDUCATION: ("자녀 학습 지원 필요", "디지털 기기 사용에 어려움", "한글 교육 희망"),
    NeedDomain.EMPLOYMENT: ("일자리를 찾고 있음", "노인 일자리 참여 희망", "건강 문제로 일을 쉬고 있음"),
    NeedDomain.HOUSING: ("곰팡이·누수로 주거 환경이 열악함", "난방이 충분하지 않음", "집 정리가 되지 않아 생활 공간이 좁음"),
    NeedDomain.LEGAL: ("채무 문제로 법률 상담 필요", "임대차 계약 문제 상담 필요", "학대·방임 의심 정황 확인 필요"),
}


class PhraseTemplate(ChoiceLabels, models.Model):
    """A phrase of one need domain that the visit form offers to insert into the notes, kept per district.

    A district without rows uses :data:`DEFAULT_PHRASES`; its admin's first save stores them as rows. Removed
    phrases are deactivated, not deleted (saving the same text again brings the row back)."""

    TEXT_MAX = 100
    PER_DOMAIN_MAX = 10

    district = models.ForeignKey("welfare.District", on_delete=models.CASCADE, related_name="phrase_templates",
                                 verbose_name=_("자치구"))
    domain = models.CharField(_("영역"), max_length=14, choices=NeedDomain.choices)
    text = models.CharField(_("문구"), max_length=TEXT_MAX)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)
    active = models.BooleanField(_("사용"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("자주 쓰는 문구")
        verbose_name_plural = _("자주 쓰는 문구")
        ordering = ["district", "domain", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "domain", "text"], name="phrasetemplate_unique_text"),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}: {self.text}"
