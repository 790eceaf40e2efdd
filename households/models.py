"""Households and the people in them, with their consents and sensitive details."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

from welfare.models import Dong
from welfare.scoping import ScopedQuerySet

from . import rrn
from .addresses import address_key


class HousingType(models.TextChoices):
    APARTMENT = "apartment", _("아파트")
    MULTI_FAMILY = "multi_family", _("다세대·연립·다가구")
    DETACHED = "detached", _("단독주택")
    JJOKBANG = "jjokbang", _("쪽방")
    GOSIWON = "gosiwon", _("고시원")
    SEMI_BASEMENT = "semi_basement", _("반지하")
    ROOFTOP = "rooftop", _("옥탑방")
    PUBLIC_RENTAL = "public_rental", _("공공임대")
    OTHER = "other", _("기타(비주택 등)")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("고위험")
    MEDIUM = "medium", _("중위험")
    LOW = "low", _("저위험")


class BenefitStatus(models.TextChoices):
    NONE = "none", _("해당 없음")
    BASIC_LIVELIHOOD = "basic_livelihood", _("기초생활수급")
    NEAR_POOR = "near_poor", _("차상위")
    OTHER_PUBLIC = "other_public", _("기타 공공급여")


class CareStatus(models.TextChoices):
    UNDER_CARE = "under_care", _("관리 중")
    MONITORING = "monitoring", _("모니터링")
    NOT_UNDER_CARE = "not_under_care", _("관리 안 함")


CHARACTERISTIC_FIELDS = (
    "is_single_person",
    "is_elderly_only",
    "is_single_parent",
    "is_grandparent_headed",
    "has_disabled_member",
    "has_young_carer",
)


def digits(value: str) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


class HouseholdQuerySet(ScopedQuerySet):
    dong_path = "dong"

    def search(self, text: str) -> HouseholdQuerySet:
        """Name, address or phone; one EXISTS over the residents, no join that multiplies rows."""
        text = (text or "").strip()
        if not text:
            return self
        members = Q(name__icontains=text)
        number = digits(text)
        if len(number) >= 3:
            members |= Q(phone__contains=number)
        matching_resident = Resident.objects.filter(members, household=OuterRef("pk"))
        return self.filter(
            Q(road_address__icontains=text) | Q(address_detail__icontains=text) | Exists(matching_resident)
        )

    def with_head_name(self) -> HouseholdQuerySet:
        head = Resident.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD, left_on__isnull=True)
        return self.annotate(head_name=models.Subquery(head.values("name")[:1]))


class Household(models.Model):
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="households", verbose_name=_("행정동"))
    road_address = models.CharField(
        _("도로명주소"), max_length=200, help_text=_("예: 서울특별시 성동구 왕십리로 123")
    )
    address_detail = models.CharField(_("상세주소"), max_length=100, blank=True, help_text=_("동·층·호"))
    postal_code = models.CharField(_("우편번호"), max_length=5, blank=True)
    housing_type = models.CharField(_("주거 형태"), max_length=20, choices=HousingType.choices)
    is_single_person = models.BooleanField(_("1인 가구"), default=False)
    is_elderly_only = models.BooleanField(_("노인 단독·부부"), default=False)
    is_single_parent = models.BooleanField(_("한부모"), default=False)
    is_grandparent_headed = models.BooleanField(_("조손"), default=False)
    has_disabled_member = models.BooleanField(_("장애인 가구원"), default=False)
    has_young_carer = models.BooleanField(_("가족돌봄 청년"), default=False)
    benefit_status = models.CharField(_("수급 상태"), max_length=20, choices=BenefitStatus.choices,
                                      default=BenefitStatus.NONE)
    # Derived from the address on every save (and by the bulk writers); indexed for report matching.
    address_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    risk_level = models.CharField(_("위기도"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW)
    status = models.CharField(
        _("관리 상태"), max_length=20, choices=CareStatus.choices, default=CareStatus.NOT_UNDER_CARE
    )
    assigned_official = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_households", verbose_name=_("담당 공무원"),
    )
    last_contact_on = models.DateField(_("최근 접촉일"), null=True, blank=True)
    next_contact_on = models.DateField(_("다음 접촉 예정일"), null=True, blank=True)
    is_demo = models.BooleanField(_("가상 데이터"), default=False, help_text=_("seed_demo가 만든 가상 세대"))
    anonymised_at = models.DateTimeField(_("익명화 일시"), null=True, blank=True,
                                         help_text=_("보존기간이 지나 개인정보를 지운 시각"))
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True, db_index=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("세대")
        verbose_name_plural = _("세대")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["dong", "-updated_at"], name="household_dong_updated_idx"),
            models.Index(fields=["dong", "next_contact_on"], name="household_dong_next_idx"),
            models.Index(fields=["dong", "risk_level", "status"], name="household_dong_risk_idx"),
        ]

    def __str__(self) -> str:
        return self.full_address

    def save(self, *args, **kwargs):
        self.address_key = address_key(self.road_address, self.address_detail)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"road_address", "address_detail"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "address_key"}
        super().save(*args, **kwargs)

    @property
    def full_address(self) -> str:
        return f"{self.road_address}, {self.address_detail}" if self.address_detail else self.road_address

    @property
    def characteristics(self) -> list[str]:
        return [str(self._meta.get_field(f).verbose_name) for f in CHARACTERISTIC_FIELDS if getattr(self, f)]


class Sex(models.TextChoices):
    MALE = "M", _("남")
    FEMALE = "F", _("여")


class Relation(models.TextChoices):
    HEAD = "head", _("세대주")
    SPOUSE = "spouse", _("배우자")
    CHILD = "child", _("자녀")
    PARENT = "parent", _("부모")
    GRANDCHILD = "grandchild", _("손자녀")
    GRANDPARENT = "grandparent", _("조부모")
    SIBLING = "sibling", _("형제자매")
    OTHER_RELATIVE = "relative", _("기타 친족")
    COHABITANT = "cohabitant", _("동거인")


class LeftReason(models.TextChoices):
    MOVED_OUT = "moved_out", _("전출")
    DECEASED = "deceased", _("사망")
    FACILITY = "facility", _("시설 입소")
    OTHER = "other", _("기타")


class ResidentQuerySet(ScopedQuerySet):
    dong_path = "household__dong"

    def current(self) -> ResidentQuerySet:
        return self.filter(left_on__isnull=True)

    def with_rrn(self, number: str) -> ResidentQuerySet:
        return self.filter(rrn_hash=rrn.keyed_hash(rrn.normalize(number)))


class Resident(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="residents", verbose_name=_("세대")
    )
    name = models.CharField(_("성명"), max_length=50)
    birth_date = models.DateField(_("생년월일"), null=True, blank=True)
    sex = models.CharField(_("성별"), max_length=1, choices=Sex.choices, blank=True)
    relation = models.CharField(_("세대주와의 관계"), max_length=12, choices=Relation.choices)
    phone = models.CharField(_("연락처"), max_length=20, blank=True, db_index=True, help_text=_("숫자만 저장"))
    # Ciphertext only (Fernet, FIELD_ENCRYPTION_KEY); the keyed hash beside it finds an exact number.
    rrn_encrypted = EncryptedCharField(_("주민등록번호(암호화)"), max_length=13, blank=True)
    rrn_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    moved_in_on = models.DateField(_("전입일"), null=True, blank=True)
    left_on = models.DateField(_("세대 이탈일"), null=True, blank=True)
    left_reason = models.CharField(_("이탈 사유"), max_length=12, choices=LeftReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("가구원")
        verbose_name_plural = _("가구원")
        ordering = ["household_id", "left_on", "id"]

    def __str__(self) -> str:
        return self.name

    def set_rrn(self, raw: str) -> None:
        if not raw:
            self.rrn_encrypted, self.rrn_hash = "", ""
            return
        value = rrn.normalize(raw)
        self.rrn_encrypted, self.rrn_hash = value, rrn.keyed_hash(value)

    @property
    def rrn_masked(self) -> str:
        return rrn.mask(self.rrn_encrypted)

    @property
    def phone_display(self) -> str:
        p = self.phone
        if len(p) == 11:
            return f"{p[:3]}-{p[3:7]}-{p[7:]}"
        if len(p) == 10:
            return f"{p[:3]}-{p[3:6]}-{p[6:]}" if not p.startswith("02") else f"02-{p[2:6]}-{p[6:]}"
        if len(p) == 9 and p.startswith("02"):
            return f"02-{p[2:5]}-{p[5:]}"
        return p

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


class ConsentScope(models.TextChoices):
    COLLECT_USE = "collect_use", _("수집·이용")
    SENSITIVE = "sensitive", _("민감정보 처리")
    THIRD_PARTY = "third_party", _("제3자 제공")
    UNIQUE_ID = "unique_id", _("고유식별정보 처리")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("서면")
    VERBAL = "verbal", _("구두(녹취·기록)")
    ELECTRONIC = "electronic", _("전자서명")
    GUARDIAN = "guardian", _("법정대리인")


class ConsentQuerySet(ScopedQuerySet):
    dong_path = "resident__household__dong"

    def active(self, on: dt.date | None = None) -> ConsentQuerySet:
        on = on or timezone.localdate()
        return self.filter(granted_on__lte=on).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
        ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))


class Consent(models.Model):
    """One consent per person and scope (PIPA art. 15, 17, 22, 23, 24)."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="consents", verbose_name=_("가구원"))
    scope = models.CharField(_("동의 범위"), max_length=12, choices=ConsentScope.choices)
    granted_on = models.DateField(_("동의일"))
    method = models.CharField(_("동의 방법"), max_length=12, choices=ConsentMethod.choices)
    recipients = models.CharField(_("제공받는 자"), max_length=200, blank=True, help_text=_("제3자 제공일 때"))
    expires_on = models.DateField(_("보유 기한"), null=True, blank=True)
    withdrawn_on = models.DateField(_("철회일"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("기록자")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("개인정보 동의")
        verbose_name_plural = _("개인정보 동의")
        ordering = ["resident_id", "scope", "-granted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("granted_on")),
                name="consent_withdrawn_after_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_scope_display()}"

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return (
            self.granted_on <= today
            and (self.withdrawn_on is None or self.withdrawn_on > today)
            and (self.expires_on is None or self.expires_on >= today)
        )


class DisabilitySeverity(models.TextChoices):
    NONE = "", _("해당 없음")
    SEVERE = "severe", _("심한 장애")
    MILD = "mild", _("심하지 않은 장애")


class SensitiveProfileQuerySet(ScopedQuerySet):
    dong_path = "resident__household__dong"


class SensitiveProfile(models.Model):
    """Health, mental-health, disability and addiction details: sensitive information (PIPA art. 23).

    Kept apart from the resident, encrypted, and shown only to roles that run cases
    (:func:`welfare.scoping.can_view_sensitive`), each view logged.
    """

    resident = models.OneToOneField(
        Resident, on_delete=models.CASCADE, related_name="sensitive_profile", verbose_name=_("가구원")
    )
    physical_health = EncryptedTextField(_("신체 건강"), blank=True)
    mental_health = EncryptedTextField(_("정신 건강"), blank=True)
    disability_type = models.CharField(_("장애 유형"), max_length=50, blank=True)
    disability_severity = models.CharField(
        _("장애 정도"), max_length=10, choices=DisabilitySeverity.choices, blank=True
    )
    addiction = EncryptedTextField(_("중독 관련"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("수정자")
    )

    objects = SensitiveProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("민감정보")
        verbose_name_plural = _("민감정보")

    def __str__(self) -> str:
        return f"{self.resident} · 민감정보"


# --- Composition history ---------------------------------------------------------------------------------


class MemberEventKind(models.TextChoices):
    JOINED = "joined", _("전입·합류")
    LEFT = "left", _("이탈")
    HEAD_CHANGED = "head_changed", _("세대주 변경")


class MemberEvent(models.Model):
    """Who joined or left a household and when, and changes of its head: the composition's history."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="member_events")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("구분"), max_length=14, choices=MemberEventKind.choices)
    on = models.DateField(_("일자"))
    reason = models.CharField(_("사유"), max_length=12, choices=LeftReason.choices, blank=True)
    note = models.CharField(_("메모"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("세대 구성 변동")
        verbose_name_plural = _("세대 구성 변동")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.resident} {self.get_kind_display()} {self.on}"


# --- Cadence -----------------------------------------------------------------------------------------------


class CadencePolicy(models.Model):
    """Days between contacts by risk level, per district (DESIGN §1.5; defaults from DOMAIN §6)."""

    district = models.OneToOneField("welfare.District", on_delete=models.CASCADE, related_name="cadence_policy")
    high_days = models.PositiveSmallIntegerField(_("고위험(일)"), default=7)
    medium_days = models.PositiveSmallIntegerField(_("중위험(일)"), default=14)
    low_days = models.PositiveSmallIntegerField(_("저위험(일)"), default=30)
    in_service_days = models.PositiveSmallIntegerField(_("사례관리 서비스 제공 중(일)"), default=30)
    # Silence watch: no visit and no check-in for longer than this raises an alert (lonely-death prevention).
    silence_high_days = models.PositiveSmallIntegerField(_("무응답 경보: 고위험(일)"), default=7)
    silence_medium_days = models.PositiveSmallIntegerField(_("무응답 경보: 중위험(일)"), default=14)
    silence_low_days = models.PositiveSmallIntegerField(_("무응답 경보: 저위험(일)"), default=30)

    class Meta:
        verbose_name = _("접촉 주기 정책")
        verbose_name_plural = _("접촉 주기 정책")

    def __str__(self) -> str:
        return f"{self.district} {self.high_days}/{self.medium_days}/{self.low_days}"

    @classmethod
    def for_district(cls, district_id: int) -> CadencePolicy:
        """The district's policy, or the defaults (unsaved) when it has none."""
        return cls.objects.filter(district_id=district_id).first() or cls(district_id=district_id)

    def days_for(self, risk_level: str, *, in_service: bool = False) -> int:
        days = {RiskLevel.HIGH: self.high_days, RiskLevel.MEDIUM: self.medium_days}.get(risk_level, self.low_days)
        # A case in service is contacted at least monthly whatever the risk.
        return min(days, self.in_service_days) if in_service else days

    def silence_days_for(self, risk_level: str) -> int:
        return {RiskLevel.HIGH: self.silence_high_days, RiskLevel.MEDIUM: self.silence_medium_days}.get(
            risk_level, self.silence_low_days
        )

    def next_contact(self, *, after: dt.date, risk_level: str, in_service: bool = False) -> dt.date:
        return after + dt.timedelta(days=self.days_for(risk_level, in_service=in_service))


# --- Needs -------------------------------------------------------------------------------------------------


class NeedDomain(models.TextChoices):
    SAFETY = "safety", _("안전")
    HEALTH = "health", _("건강")
    DAILY_LIVING = "daily_living", _("일상생활유지")
    FAMILY = "family", _("가족관계")
    SOCIAL = "social", _("사회적 관계")
    INCOME = "income", _("경제")
    EDUCATION = "education", _("교육")
    EMPLOYMENT = "employment", _("고용")
    HOUSING = "housing", _("생활환경")
    LEGAL = "legal", _("법률 및 권익보장")


class Severity(models.TextChoices):
    HIGH = "high", _("상")
    MEDIUM = "medium", _("중")
    LOW = "low", _("하")


# --- Cases (통합사례관리) ----------------------------------------------------------------------------------


class CaseStage(models.TextChoices):
    INTAKE = "intake", _("접수")
    ASSESSMENT = "assessment", _("욕구·위기도 조사")
    CONFERENCE = "conference", _("사례회의")
    PLANNING = "planning", _("서비스 제공계획")
    IN_SERVICE = "in_service", _("서비스 제공·점검")
    REASSESSMENT = "reassessment", _("재사정")
    CLOSING = "closing", _("종결 검토")
    CLOSED = "closed", _("종결")
    FOLLOW_UP = "follow_up", _("사후관리")


# The only moves a case may make (DESIGN §1.3). Conference may send a case not selected to closing; a team
# lead may return a closing proposal to service.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStage.INTAKE: frozenset({CaseStage.ASSESSMENT}),
    CaseStage.ASSESSMENT: frozenset({CaseStage.CONFERENCE}),
    CaseStage.CONFERENCE: frozenset({CaseStage.PLANNING, CaseStage.CLOSING}),
    CaseStage.PLANNING: frozenset({CaseStage.IN_SERVICE}),
    CaseStage.IN_SERVICE: frozenset({CaseStage.REASSESSMENT, CaseStage.CLOSING}),
    CaseStage.REASSESSMENT: frozenset({CaseStage.PLANNING, CaseStage.CLOSING}),
    CaseStage.CLOSING: frozenset({CaseStage.CLOSED, CaseStage.IN_SERVICE}),
    CaseStage.CLOSED: frozenset({CaseStage.FOLLOW_UP}),
    CaseStage.FOLLOW_UP: frozenset(),
}
OPEN_STAGES = frozenset(set(CaseStage.values) - {CaseStage.CLOSED, CaseStage.FOLLOW_UP})
BEFORE_ASSESSMENT_DONE = frozenset({CaseStage.INTAKE, CaseStage.ASSESSMENT})
BEFORE_PLAN_DONE = frozenset({CaseStage.INTAKE, CaseStage.ASSESSMENT, CaseStage.CONFERENCE, CaseStage.PLANNING})
ASSESSMENT_DAYS = 10
PLAN_DAYS = 30


class CaseSource(models.TextChoices):
    REPORT = "report", _("위기가구 제보")
    VISIT = "visit", _("방문 상담")
    REFERRAL = "referral", _("타기관 의뢰")
    UNIVERSAL = "universal", _("보편 방문")


class CaseClass(models.TextChoices):
    GENERAL = "general", _("일반")
    DIFFICULT = "difficult", _("고난도")


class ClosingReason(models.TextChoices):
    GOALS_MET = "goals_met", _("목표 달성")
    MOVED_OUT = "moved_out", _("전출")
    FACILITY = "facility", _("시설 입소")
    DECEASED = "deceased", _("사망")
    REFUSED = "refused", _("본인 거부·중단 요청")
    LOST_CONTACT = "lost_contact", _("연락 두절")
    TRANSFERRED = "transferred", _("타기관 이관")
    NOT_ELIGIBLE = "not_eligible", _("비대상")


class CaseQuerySet(ScopedQuerySet):
    dong_path = "household__dong"

    def open(self) -> CaseQuerySet:
        return self.filter(stage__in=OPEN_STAGES)

    def assessment_overdue(self, today: dt.date) -> CaseQuerySet:
        return self.filter(stage__in=BEFORE_ASSESSMENT_DONE, assessment_due_on__lt=today)

    def plan_overdue(self, today: dt.date) -> CaseQuerySet:
        return self.filter(stage__in=BEFORE_PLAN_DONE, plan_due_on__lt=today)

    def with_deadline_flags(self, today: dt.date) -> CaseQuerySet:
        return self.annotate(
            is_assessment_overdue=Q(stage__in=BEFORE_ASSESSMENT_DONE, assessment_due_on__lt=today),
            is_plan_overdue=Q(stage__in=BEFORE_PLAN_DONE, plan_due_on__lt=today),
        )


class Case(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="cases", verbose_name=_("세대"))
    client = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="cases", verbose_name=_("대상자"),
        help_text=_("동의를 받은 사례관리 대상자"),
    )
    opened_on = models.DateField(_("접수일"))
    source = models.CharField(_("발굴 경로"), max_length=10, choices=CaseSource.choices)
    stage = models.CharField(_("단계"), max_length=14, choices=CaseStage.choices, default=CaseStage.INTAKE)
    case_class = models.CharField(_("사례 구분"), max_length=10, choices=CaseClass.choices, default=CaseClass.GENERAL)
    assigned_official = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases",
        verbose_name=_("담당 공무원"),
    )
    assessment_due_on = models.DateField(_("욕구조사 기한"))
    plan_due_on = models.DateField(_("제공계획 기한"))
    closing_reason = models.CharField(_("종결 사유"), max_length=14, choices=ClosingReason.choices, blank=True)
    closing_note = models.TextField(_("종결 사유 상세"), blank=True)
    closed_on = models.DateField(_("종결일"), null=True, blank=True)
    previous_case = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="relapses",
        verbose_name=_("이전 사례"), help_text=_("종결 후 재발로 다시 연 사례"),
    )
    summary = models.TextField(_("사례 개요"), blank=True)
    anonymised_at = models.DateTimeField(_("익명화 일시"), null=True, blank=True)
    # Optimistic locking: every save through the services bumps it; a stale form is refused, not merged.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("사례")
        verbose_name_plural = _("사례")
        ordering = ["-opened_on", "-id"]
        constraints = [
            # At most one case in progress per household; relapse opens a new one after closure.
            models.UniqueConstraint(
                fields=["household"], condition=Q(stage__in=sorted(OPEN_STAGES)), name="case_one_open_per_household"
            ),
        ]
        indexes = [models.Index(fields=["assigned_official", "stage"], name="case_official_stage_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_stage_display()}"

    def can_transition_to(self, stage: str) -> bool:
        return stage in TRANSITIONS.get(self.stage, frozenset())

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def deadline_flags(self, today: dt.date | None = None) -> dict[str, bool]:
        today = today or timezone.localdate()
        return {
            "assessment": self.stage in BEFORE_ASSESSMENT_DONE and self.assessment_due_on < today,
            "plan": self.stage in BEFORE_PLAN_DONE and self.plan_due_on < today,
        }


class CaseNeed(models.Model):
    """The needs assessment: one row per domain."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(_("영역"), max_length=14, choices=NeedDomain.choices)
    severity = models.CharField(_("정도"), max_length=6, choices=Severity.choices)
    priority = models.PositiveSmallIntegerField(_("우선순위"), default=1)
    note = models.CharField(_("내용"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("사례 욕구")
        verbose_name_plural = _("사례 욕구")
        ordering = ["priority", "domain"]
        constraints = [models.UniqueConstraint(fields=["case", "domain"], name="caseneed_one_per_domain")]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}({self.get_severity_display()})"


class CaseGoal(models.Model):
    """The service plan: goals with target dates."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    need = models.ForeignKey(CaseNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals")
    text = models.CharField(_("목표"), max_length=300)
    target_on = models.DateField(_("목표일"))
    achieved_on = models.DateField(_("달성일"), null=True, blank=True)

    class Meta:
        verbose_name = _("서비스 목표")
        verbose_name_plural = _("서비스 목표")
        ordering = ["target_on", "id"]

    def __str__(self) -> str:
        return self.text


class CaseStageChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    from_stage = models.CharField(max_length=14, choices=CaseStage.choices, blank=True)
    to_stage = models.CharField(max_length=14, choices=CaseStage.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("메모"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("사례 단계 변경")
        verbose_name_plural = _("사례 단계 변경")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["household", "-at"], name="stagechange_household_at_idx")]

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"


# --- Visits and planned contacts ----------------------------------------------------------------------------


class VisitKind(models.TextChoices):
    HOME = "home", _("가정 방문")
    PHONE = "phone", _("전화 상담")
    OFFICE = "office", _("내방 상담")
    WITH_NURSE = "with_nurse", _("방문간호사 동행")
    NETWORK = "network", _("인적안전망 방문")


class ContactResult(models.TextChoices):
    MET = "met", _("만남")
    NOT_HOME = "not_home", _("부재")
    REFUSED = "refused", _("거부")
    MOVED_AWAY = "moved_away", _("전출")
    DECEASED = "deceased", _("사망")


class VisitQuerySet(ScopedQuerySet):
    dong_path = "household__dong"


class Visit(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits", verbose_name=_("세대"))
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="visits")
    visited_at = models.DateTimeField(_("일시"), default=timezone.now)
    kind = models.CharField(_("방법"), max_length=12, choices=VisitKind.choices, default=VisitKind.HOME)
    staff_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="visits_attended", verbose_name=_("동행 직원")
    )
    contact_result = models.CharField(_("접촉 결과"), max_length=12, choices=ContactResult.choices)
    observations = models.TextField(_("관찰 내용"), blank=True)
    risk_level = models.CharField(_("위기도(갱신)"), max_length=10, choices=RiskLevel.choices)
    next_contact_on = models.DateField(_("다음 접촉 예정일"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("기록자")
    )
    # One per form rendering: a double click or a resubmitted form finds the visit already made.
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("방문·상담")
        verbose_name_plural = _("방문·상담")
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["household", "-visited_at"], name="visit_household_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.visited_at):%Y-%m-%d %H:%M}"


class VisitNeed(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(_("영역"), max_length=14, choices=NeedDomain.choices)
    severity = models.CharField(_("정도"), max_length=6, choices=Severity.choices)
    note = models.CharField(_("내용"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("방문 시 발견 욕구")
        verbose_name_plural = _("방문 시 발견 욕구")
        constraints = [models.UniqueConstraint(fields=["visit", "domain"], name="visitneed_one_per_domain")]

    def __str__(self) -> str:
        return f"{self.get_domain_display()}({self.get_severity_display()})"


class FollowUpReason(models.TextChoices):
    CADENCE = "cadence", _("정기 접촉")
    FIRST_CONTACT = "first_contact", _("제보 초기 접촉")
    UNIVERSAL = "universal", _("보편 방문")
    SILENCE = "silence", _("무응답 경보")
    OVERDUE = "overdue", _("기한 경과 확인")
    MANUAL = "manual", _("직접 지정")


class FollowUpPriority(models.TextChoices):
    NORMAL = "normal", _("보통")
    HIGH = "high", _("높음")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("예정")
    DONE = "done", _("완료")
    CANCELLED = "cancelled", _("취소")


class FollowUpQuerySet(ScopedQuerySet):
    dong_path = "household__dong"

    def open(self) -> FollowUpQuerySet:
        return self.filter(status=FollowUpStatus.OPEN)

    def due_by(self, day: dt.date) -> FollowUpQuerySet:
        return self.open().filter(due_on__lte=day)


class FollowUp(models.Model):
    """A planned contact. At most one open per household and reason (a database constraint)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("예정일"))
    reason = models.CharField(_("사유"), max_length=14, choices=FollowUpReason.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups",
        verbose_name=_("담당"),
    )
    status = models.CharField(_("상태"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    priority = models.CharField(_("우선순위"), max_length=8, choices=FollowUpPriority.choices,
                                default=FollowUpPriority.NORMAL)
    # Set once by the overdue sweep (hourly); the notifications it sends are keyed on it.
    overdue_at = models.DateTimeField(_("기한 경과 처리"), null=True, blank=True)
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups_met")
    note = models.CharField(_("메모"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("접촉 예정")
        verbose_name_plural = _("접촉 예정")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "reason"], condition=Q(status="open"), name="followup_one_open_per_reason"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="followup_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.due_on}"


class CheckInSource(models.TextChoices):
    IOT = "iot", _("IoT 센서")
    AI_CALL = "ai_call", _("AI 안부전화")
    HEALTH_DRINK = "health_drink", _("건강음료 배달")
    CARE_TEAM = "care_team", _("돌봄단 안부 확인")
    WELFARE_MAIL = "welfare_mail", _("복지등기")
    OTHER = "other", _("기타")


class CheckIn(models.Model):
    """A sign of life (or of trouble) from outside a visit. The silence watch reads these."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="check_ins")
    at = models.DateTimeField(_("일시"), default=timezone.now)
    source = models.CharField(_("경로"), max_length=14, choices=CheckInSource.choices)
    is_alert = models.BooleanField(_("이상 신호"), default=False)
    note = models.CharField(_("메모"), max_length=300, blank=True)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True, help_text="gateway's id")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("안부 확인")
        verbose_name_plural = _("안부 확인")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["household", "-at"], name="checkin_household_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.at:%Y-%m-%d}"


# --- Service links ----------------------------------------------------------------------------------------


class LinkStatus(models.TextChoices):
    REQUESTED = "requested", _("의뢰")
    ACCEPTED = "accepted", _("수락")
    IN_SERVICE = "in_service", _("제공 중")
    COMPLETED = "completed", _("완료")
    DECLINED = "declined", _("거절")
    STOPPED = "stopped", _("중단")


LINK_TRANSITIONS: dict[str, frozenset[str]] = {
    LinkStatus.REQUESTED: frozenset({LinkStatus.ACCEPTED, LinkStatus.DECLINED}),
    LinkStatus.ACCEPTED: frozenset({LinkStatus.IN_SERVICE, LinkStatus.STOPPED, LinkStatus.DECLINED}),
    LinkStatus.IN_SERVICE: frozenset({LinkStatus.COMPLETED, LinkStatus.STOPPED}),
    LinkStatus.COMPLETED: frozenset(),
    LinkStatus.DECLINED: frozenset(),
    LinkStatus.STOPPED: frozenset(),
}
LINK_STATUSES_NEEDING_REASON = frozenset({LinkStatus.DECLINED, LinkStatus.STOPPED})


class ServiceLinkQuerySet(ScopedQuerySet):
    dong_path = "household__dong"


class ServiceLink(models.Model):
    """A household linked to a resource, usually within a case ("linkage only" reports have no case)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="service_links")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="service_links")
    need = models.ForeignKey(CaseNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="links",
                             verbose_name=_("대응 욕구"))
    resource = models.ForeignKey("plans.Resource", on_delete=models.PROTECT, related_name="links",
                                 verbose_name=_("자원"))
    requested_on = models.DateField(_("의뢰일"), default=timezone.localdate)
    start_on = models.DateField(_("시작일"), null=True, blank=True)
    end_on = models.DateField(_("종료일"), null=True, blank=True)
    status = models.CharField(_("상태"), max_length=12, choices=LinkStatus.choices, default=LinkStatus.REQUESTED)
    status_reason = models.CharField(_("거절·중단 사유"), max_length=300, blank=True)
    amount_krw = models.PositiveBigIntegerField(_("금액(원)"), null=True, blank=True)
    frequency = models.CharField(_("횟수·주기"), max_length=100, blank=True)
    funding_source = models.CharField(_("재원"), max_length=100, blank=True)
    note = models.CharField(_("메모"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    completed_on = models.DateField(_("완료일"), null=True, blank=True)

    objects = ServiceLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("서비스 연계")
        verbose_name_plural = _("서비스 연계")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_on__isnull=True) | Q(start_on__isnull=True)
                                   | Q(end_on__gte=models.F("start_on")), name="servicelink_end_after_start"),
        ]
        indexes = [models.Index(fields=["household", "-created_at"], name="link_household_created_idx")]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.get_status_display()}"

    def can_move_to(self, status: str) -> bool:
        return status in LINK_TRANSITIONS.get(self.status, frozenset())


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


def isolation_risk(score: int) -> str:
    """Score bands of the social-isolation checklist (DOMAIN §5 R9): 0 general, 1–3 low, 4–8 medium, 9–13 high."""
    if score >= 9:
        return RiskLevel.HIGH
    if score >= 4:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


class IsolationScreening(models.Model):
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
        return _("일반") if self.score == 0 else RiskLevel(self.proposed_risk).label
