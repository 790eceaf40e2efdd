"""Discovery models: the district's discovery policy and the community network (인적안전망)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import District, Dong

# --- Policy per district --------------------------------------------------------------------------------


class DiscoveryPolicy(ChoiceLabels, models.Model):
    """Deadlines, retries, reward rules and network minimums: settings of one district, editable in the admin."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="discovery_policy")
    urgent_first_contact_hours = models.PositiveSmallIntegerField(_("긴급 제보 초기 접촉(시간)"), default=24)
    normal_first_contact_days = models.PositiveSmallIntegerField(_("일반 제보 초기 접촉(일)"), default=7)
    unreachable_attempts = models.PositiveSmallIntegerField(
        _("소재미확인 종결 전 접촉 시도 횟수"), default=3,
        help_text=_("방문·전화·복지등기·이웃/통장 확인을 합쳐 이 횟수만큼 시도한 뒤에만 소재미확인으로 종결합니다."),
    )
    reward_amount_krw = models.PositiveIntegerField(_("신고포상금(건당, 원)"), default=20_000)
    reward_yearly_cap_krw = models.PositiveIntegerField(_("신고자별 연간 한도(원)"), default=200_000)
    min_care_team_per_dong = models.PositiveSmallIntegerField(_("동별 최소 돌봄단 인원"), default=1)
    min_care_team_high_risk_dong = models.PositiveSmallIntegerField(_("고위험 동 최소 돌봄단 인원"), default=3)
    min_honorary_per_dong = models.PositiveSmallIntegerField(_("동별 최소 명예사회복지공무원"), default=20)

    class Meta:
        verbose_name = _("발굴 정책")
        verbose_name_plural = _("발굴 정책")

    def __str__(self) -> str:
        return f"{self.district} 발굴 정책"

    @classmethod
    def for_district(cls, district_id: int) -> DiscoveryPolicy:
        return cls.objects.filter(district_id=district_id).first() or cls(district_id=district_id)

    def first_contact_due(self, *, received_at: dt.datetime, urgent: bool) -> dt.datetime:
        if urgent:
            return received_at + dt.timedelta(hours=self.urgent_first_contact_hours)
        return received_at + dt.timedelta(days=self.normal_first_contact_days)


# --- Community network ------------------------------------------------------------------------------------


class NetworkRole(models.TextChoices):
    HONORARY = "honorary", _("명예사회복지공무원")
    NEIGHBOUR = "neighbour", _("이웃살피미")
    CARE_TEAM = "care_team", _("우리동네돌봄단")
    COUNCIL = "council", _("동 지역사회보장협의체")
    BUSINESS = "business", _("생활업종 종사자")
    MAIL_CARRIER = "mail_carrier", _("집배원")
    TONGJANG = "tongjang", _("복지통장")
    OTHER = "other", _("기타")


class Occupation(models.TextChoices):
    GAS_METER = "gas_meter", _("가스검침원")
    POSTAL = "postal", _("집배원")
    DELIVERY = "delivery", _("배달원")
    STORE = "store", _("편의점·상점")
    PHARMACY = "pharmacy", _("약국")
    REAL_ESTATE = "real_estate", _("공인중개사")
    MANAGEMENT_OFFICE = "management_office", _("관리사무소")
    TONGJANG = "tongjang", _("통장")
    CARE_WORKER = "care_worker", _("돌봄 종사자")
    RESIDENT = "resident", _("주민")
    OTHER = "other", _("기타")


# Reporters who are paid or duty-bound to find households earn no reward (DOMAIN §3, 신고포상금 rules).
REWARD_EXCLUDED_OCCUPATIONS = frozenset({Occupation.TONGJANG, Occupation.CARE_WORKER})
REWARD_EXCLUDED_ROLES = frozenset({NetworkRole.TONGJANG, NetworkRole.CARE_TEAM})


class NetworkMemberQuerySet(models.QuerySet):
    def visible_to(self, user) -> NetworkMemberQuerySet:
        from welfare.scoping import personal_dong_ids

        return self.filter(dongs__in=personal_dong_ids(user)).distinct()

    def active(self, on: dt.date | None = None) -> NetworkMemberQuerySet:
        on = on or timezone.localdate()
        return self.filter(active_from__lte=on).filter(Q(active_to__isnull=True) | Q(active_to__gte=on))


class NetworkMember(ChoiceLabels, models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="network_members")
    name = models.CharField(_("성명"), max_length=50)
    role = models.CharField(_("역할"), max_length=14, choices=NetworkRole.choices)
    occupation = models.CharField(_("하는 일"), max_length=20, choices=Occupation.choices, default=Occupation.RESIDENT)
    organisation = models.CharField(_("소속"), max_length=100, blank=True)
    dongs = models.ManyToManyField(Dong, related_name="network_members", verbose_name=_("활동 동"))
    phone = models.CharField(_("연락처"), max_length=20, blank=True)
    active_from = models.DateField(_("활동 시작일"), default=timezone.localdate)
    active_to = models.DateField(_("활동 종료일"), null=True, blank=True)
    trainings_attended = models.PositiveSmallIntegerField(_("교육 이수 횟수"), default=0)
    note = models.CharField(_("메모"), max_length=300, blank=True)
    # A partner's own login (no staff role): the public door then files their reports under their name, and
    # "내가 알린 이웃" (/report/mine/) shows them with their progress only (issue 20 item 5).
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="network_member", verbose_name=_("로그인 계정"),
                                help_text=_("명예사회복지공무원·위원이 로그인해 자기 신고의 진행을 볼 계정"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NetworkMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("인적안전망 구성원")
        verbose_name_plural = _("인적안전망 구성원")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def reward_excluded(self) -> bool:
        return self.role in REWARD_EXCLUDED_ROLES or self.occupation in REWARD_EXCLUDED_OCCUPATIONS
