"""Households models: isolation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels

from .households import Household, RiskLevel
from .residents import Resident

# --- Social isolation screening ----------------------------------------------------------------------------

ISOLATION_ITEMS: tuple[tuple[str, str], ...] = (
    ("no_talk_week", _("지난 1주일 동안 대화한 사람이 없다")),
    ("no_help_contact", _("아프거나 도움이 필요할 때 연락할 사람이 없다")),
    ("no_family_contact", _("가족·친척과 한 달 이상 연락하지 않았다")),
    ("rarely_out", _("일주일에 한 번도 외출하지 않는 때가 많다")),
    ("skips_meals", _("하루 한 끼 이하로 식사하는 날이 많다")),
    ("chronic_illness", _("만성질환이 있으나 관리가 어렵다")),
    ("alcohol", _("음주 문제가 있다")),
    ("depressed", _("우울하거나 삶의 의욕이 없다고 말한다")),
    ("income_loss", _("최근 실직·폐업 등으로 소득이 끊겼다")),
    ("arrears", _("공과금·임대료가 밀려 있다")),
    ("poor_housing", _("주거 환경이 열악하다(쪽방·고시원·반지하 등)")),
    ("hoarding", _("집 안에 쓰레기·물건이 쌓여 있다")),
    ("refuses_help", _("도움을 거부하거나 외부와의 접촉을 피한다")),
)


class IsolationItemWording(ChoiceLabels, models.Model):
    """The wording of one checklist item as this installation shows it. The 13 items and their keys are fixed
    (the score is their count, 0–13); their wording is not verified against the Ministry's official form
    (DOMAIN.md gives the bands, not the items), so a superuser corrects it in the admin to match the district's
    form. Seeded with :data:`ISOLATION_ITEMS`; an item without a row shows the default."""

    key = models.CharField(_("항목"), max_length=30, unique=True,
                           choices=[(k, k) for k, _label in ISOLATION_ITEMS], editable=False)
    text = models.CharField(_("문구"), max_length=200)
    changed_at = models.DateTimeField(_("수정 일시"), auto_now=True)

    class Meta:
        verbose_name = _("사회적 고립 조사 문항")
        verbose_name_plural = _("사회적 고립 조사 문항")

    def __str__(self) -> str:
        return self.text


def isolation_items() -> list[tuple[str, str]]:
    """The 13 items in their fixed order, with the installation's wording (one query)."""
    wording = dict(IsolationItemWording.objects.values_list("key", "text"))
    return [(key, wording.get(key) or str(label)) for key, label in ISOLATION_ITEMS]


# The score bands of the social-isolation checklist (DOMAIN §5 R9): (lowest, highest, risk proposed, label).
# 0 is 일반 (no regular follow-ups, a yearly check). 긴급 is never proposed: an official sets it.
ISOLATION_BANDS: tuple[tuple[int, int, str, str], ...] = (
    (0, 0, RiskLevel.GENERAL, RiskLevel.GENERAL.label),
    (1, 3, RiskLevel.LOW, RiskLevel.LOW.label),
    (4, 8, RiskLevel.MEDIUM, RiskLevel.MEDIUM.label),
    (9, len(ISOLATION_ITEMS), RiskLevel.HIGH, RiskLevel.HIGH.label),
)


def _band_of(score: int) -> tuple[int, int, str, str]:
    return next(b for b in ISOLATION_BANDS if score <= b[1])


def isolation_risk(score: int) -> str:
    """The risk level the checklist's score proposes (its band in :data:`ISOLATION_BANDS`)."""
    return _band_of(score)[2]


def isolation_band(score: int) -> str:
    """The band's label: 일반, 저위험, 중위험 or 고위험."""
    return str(_band_of(score)[3])


class IsolationScreening(ChoiceLabels, models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="isolation_screenings")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="isolation_screenings",
                                 verbose_name=_("대상자"))
    screened_on = models.DateField(_("조사일"), default=timezone.localdate)
    answers = models.JSONField(_("응답"), default=dict)
    score = models.PositiveSmallIntegerField(_("점수"))
    proposed_risk = models.CharField(_("제안 위기도"), max_length=10, choices=RiskLevel.choices)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("사회적 고립 조사")
        verbose_name_plural = _("사회적 고립 조사")
        ordering = ["-screened_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(score__lte=13), name="isolation_score_max_13")]

    def __str__(self) -> str:
        return f"{self.resident} {self.score}점"

    @property
    def band(self) -> str:
        return isolation_band(self.score)
