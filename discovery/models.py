"""Discovery (발굴): crisis reports from every channel, the community network, rewards, list imports."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField

from welfare.models import District, Dong

# --- Policy per district --------------------------------------------------------------------------------


class DiscoveryPolicy(models.Model):
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


class NetworkMember(models.Model):
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


# --- Crisis reports ----------------------------------------------------------------------------------------


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("방문 상담")
    PHONE = "phone", _("전화")
    WEB = "web", _("온라인 제보")
    KAKAO = "kakao", _("카카오톡")
    HONORARY = "honorary", _("명예사회복지공무원")
    NETWORK = "network", _("기타 인적안전망")
    BUSINESS = "business", _("생활업종 종사자")
    MAIL_CARRIER = "mail_carrier", _("집배원·복지등기")
    IOT_ALERT = "iot_alert", _("IoT·AI 안부확인 경보")
    REFERRAL = "referral", _("기관 의뢰(경찰·병원·학교 등)")
    BIGDATA = "bigdata", _("복지사각지대 빅데이터")


class ReporterKind(models.TextChoices):
    NETWORK_MEMBER = "network_member", _("인적안전망 구성원")
    MANDATORY = "mandatory", _("신고의무자")
    NAMED = "named", _("실명 신고")
    ANONYMOUS = "anonymous", _("익명")


class RiskSignal(models.TextChoices):
    UTILITY_ARREARS = "utility_arrears", _("공과금·월세 체납")
    NHI_ARREARS = "nhi_arrears", _("건강보험료 체납")
    NO_FOOD = "no_food", _("끼니 해결 곤란")
    ILLNESS = "illness", _("질병·장애, 돌봄 없음")
    ISOLATION = "isolation", _("고립·연락 두절")
    MAIL_PILING = "mail_piling", _("우편물·택배 쌓임")
    EVICTION = "eviction", _("퇴거 위기")
    DEBT = "debt", _("채무")
    SUICIDE_RISK = "suicide_risk", _("자살 위험")
    HOARDING = "hoarding", _("저장 강박")
    VIOLENCE = "violence", _("폭력·학대")
    OTHER = "other", _("기타")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("긴급")
    NORMAL = "normal", _("일반")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("접수")
    SCREENING = "screening", _("초기상담 중")
    RESOLVED = "resolved", _("처리 완료")


class ReportOutcome(models.TextChoices):
    NO_NEED = "no_need", _("비대상·욕구 없음")
    LINKAGE_ONLY = "linkage_only", _("단순 서비스 연계")
    CASE_OPENED = "case_opened", _("통합사례관리 접수")
    UNREACHABLE = "unreachable", _("소재 미확인")
    DUPLICATE = "duplicate", _("중복")
    REFERRED = "referred", _("타기관 의뢰")


OUTCOMES_NEEDING_REASON = frozenset(
    {ReportOutcome.NO_NEED, ReportOutcome.UNREACHABLE, ReportOutcome.DUPLICATE, ReportOutcome.REFERRED}
)


def overdue_q(now: dt.datetime | None = None) -> Q:
    """The overdue rule, once: open, never contacted, first-contact deadline passed (for filters, annotations
    and conditional counts; :meth:`CrisisReport.is_overdue` is the same on one loaded report)."""
    return ~Q(status=ReportStatus.RESOLVED) & Q(first_contacted_at__isnull=True,
                                                first_contact_due_at__lt=now or timezone.now())


class CrisisReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> CrisisReportQuerySet:
        """Reports of the user's dongs; the district queue (no dong yet) for district admins and leads."""
        from welfare.permissions import can
        from welfare.scoping import membership, personal_dong_ids

        visible = Q(dong_id__in=personal_dong_ids(user))
        staff = membership(user)
        if getattr(user, "is_superuser", False):
            visible |= Q(dong__isnull=True)
        elif staff is not None and can(user, "see_district_queue"):
            visible |= Q(dong__isnull=True, district_id=staff.district_id)
        return self.filter(visible)

    def open(self) -> CrisisReportQuerySet:
        return self.exclude(status=ReportStatus.RESOLVED)

    def overdue(self, now: dt.datetime | None = None) -> CrisisReportQuerySet:
        return self.filter(overdue_q(now))


class CrisisReport(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="crisis_reports")
    dong = models.ForeignKey(Dong, null=True, blank=True, on_delete=models.PROTECT, related_name="crisis_reports",
                             verbose_name=_("행정동"), help_text=_("모르면 비워 두세요: 구 접수함으로 갑니다."))
    received_at = models.DateTimeField(_("접수 일시"), default=timezone.now, db_index=True)
    channel = models.CharField(_("접수 경로"), max_length=14, choices=Channel.choices)
    referral_agency = models.CharField(_("의뢰 기관"), max_length=100, blank=True)
    reporter_kind = models.CharField(_("신고자 구분"), max_length=16, choices=ReporterKind.choices,
                                     default=ReporterKind.ANONYMOUS)
    network_member = models.ForeignKey(NetworkMember, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="reports", verbose_name=_("인적안전망 신고자"))
    subject_name = models.CharField(_("대상자 이름"), max_length=50, blank=True)
    subject_address = models.CharField(_("대상자 주소"), max_length=200, blank=True)
    subject_phone = models.CharField(_("대상자 연락처"), max_length=20, blank=True)
    subject_description = models.CharField(_("대상자 특징"), max_length=300, blank=True,
                                           help_text=_("이름을 모를 때: 나이대, 사는 곳 모습 등"))
    household = models.ForeignKey("households.Household", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="crisis_reports", verbose_name=_("연결된 세대"))
    risk_signals = models.JSONField(_("위기 신호"), default=list, blank=True)
    details = models.TextField(_("내용"), blank=True)
    urgency = models.CharField(_("긴급도"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("처리 상태"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.RECEIVED)
    outcome = models.CharField(_("처리 결과"), max_length=14, choices=ReportOutcome.choices, blank=True)
    outcome_reason = models.CharField(_("결과 사유"), max_length=500, blank=True)
    assigned_official = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="crisis_reports",
                                          verbose_name=_("담당 공무원"))
    first_contact_due_at = models.DateTimeField(_("초기 접촉 기한"))
    first_contacted_at = models.DateTimeField(_("초기 접촉 일시"), null=True, blank=True)
    # Set once by the hourly overdue sweep; its notifications are keyed on the report.
    overdue_at = models.DateTimeField(_("기한 경과 처리"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("처리 일시"), null=True, blank=True)
    receipt_code = models.CharField(_("접수번호"), max_length=16, unique=True)
    case = models.ForeignKey("households.Case", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="crisis_reports")
    service_link = models.ForeignKey("households.ServiceLink", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="crisis_reports")
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates")
    handoff_note = models.TextField(_("사실조사 인계 메모"), blank=True)
    import_batch = models.ForeignKey("ImportBatch", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="reports")
    # A row of an imported list is identified by its content, so a re-upload creates nothing twice.
    import_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = CrisisReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("위기가구 제보")
        verbose_name_plural = _("위기가구 제보")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "import_key"], name="report_unique_import_key"),
            models.CheckConstraint(
                condition=Q(status="resolved", outcome__gt="") | ~Q(status="resolved"),
                name="report_resolved_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["dong", "status", "first_contact_due_at"], name="report_queue_idx"),
            models.Index(fields=["district", "status"], name="report_district_status_idx"),
            models.Index(fields=["household", "-received_at"], name="report_household_idx"),
        ]

    def __str__(self) -> str:
        return self.receipt_code

    @property
    def is_overdue(self) -> bool:
        return (self.status != ReportStatus.RESOLVED and self.first_contacted_at is None
                and self.first_contact_due_at < timezone.now())

    @property
    def signal_labels(self) -> list[str]:
        labels = dict(RiskSignal.choices)
        return [str(labels.get(s, s)) for s in self.risk_signals]


class ReporterIdentity(models.Model):
    """Who reported: kept apart from the report and the case, encrypted, shown only to those who need it."""

    report = models.OneToOneField(CrisisReport, on_delete=models.CASCADE, related_name="reporter")
    name = EncryptedCharField(_("신고자 성명"), max_length=50, blank=True)
    phone = EncryptedCharField(_("신고자 연락처"), max_length=20, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    profession = models.CharField(_("직업(신고의무자)"), max_length=100, blank=True)
    relation = models.CharField(_("대상자와의 관계"), max_length=50, blank=True)
    is_relative = models.BooleanField(_("친족"), default=False)
    is_official = models.BooleanField(_("공무원"), default=False)
    wants_reply = models.BooleanField(_("처리 결과 회신 희망"), default=False)

    class Meta:
        verbose_name = _("신고자 정보")
        verbose_name_plural = _("신고자 정보")

    def __str__(self) -> str:
        return f"{self.report} 신고자"


class AttemptMethod(models.TextChoices):
    VISIT = "visit", _("방문")
    PHONE = "phone", _("전화")
    WELFARE_MAIL = "welfare_mail", _("복지등기")
    NEIGHBOUR = "neighbour", _("이웃·통장 확인")


class ContactAttempt(models.Model):
    report = models.ForeignKey(CrisisReport, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("일시"), default=timezone.now)
    method = models.CharField(_("방법"), max_length=14, choices=AttemptMethod.choices)
    reached = models.BooleanField(_("연락 닿음"), default=False)
    note = models.CharField(_("메모"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("접촉 시도")
        verbose_name_plural = _("접촉 시도")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.at:%Y-%m-%d}"


class HouseholdMerge(models.Model):
    """The record of two households found to be the same: what moved from the duplicate to the survivor."""

    survivor = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="merges_in")
    duplicate_id = models.BigIntegerField(_("병합된 세대 번호"))
    duplicate_address = models.CharField(_("병합된 세대 주소"), max_length=300)
    moved = models.JSONField(_("옮긴 기록 수"), default=dict)
    reason = models.CharField(_("사유"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("세대 병합 기록")
        verbose_name_plural = _("세대 병합 기록")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"#{self.duplicate_id} → #{self.survivor_id}"


# --- Rewards (신고포상금) -----------------------------------------------------------------------------------


class RewardDecision(models.Model):
    """The ledger: one decision per report, eligible or why not, amount, approval and payment."""

    report = models.OneToOneField(CrisisReport, on_delete=models.PROTECT, related_name="reward")
    informant_key = models.CharField(max_length=80, db_index=True, help_text="member:<id> or phone:<hash>")
    informant_label = models.CharField(_("신고자"), max_length=100)
    eligible = models.BooleanField(_("지급 대상"))
    reason = models.CharField(_("판단 사유"), max_length=300)
    amount_krw = models.PositiveIntegerField(_("금액(원)"), default=0)
    decided_on = models.DateField(_("판단일"), default=timezone.localdate)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("승인자"))
    paid_on = models.DateField(_("지급일"), null=True, blank=True)

    class Meta:
        verbose_name = _("신고포상금 결정")
        verbose_name_plural = _("신고포상금 결정")
        ordering = ["-decided_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(eligible=True) | Q(amount_krw=0),
                                              name="reward_ineligible_pays_nothing")]

    def __str__(self) -> str:
        return f"{self.report} {self.amount_krw:,}원"


# --- Big-data rounds and list imports -----------------------------------------------------------------------


class RiskIndicator(models.Model):
    """The Ministry's risk indicators (DOMAIN §3), seeded by a migration."""

    code = models.SlugField(max_length=40, unique=True)
    name_ko = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    signal = models.CharField(max_length=20, choices=RiskSignal.choices, default=RiskSignal.OTHER,
                              help_text=_("제보의 위기 신호로 옮길 때"))

    class Meta:
        verbose_name = _("위기 지표")
        verbose_name_plural = _("위기 지표")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_ko


class BigDataRound(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="bigdata_rounds")
    year = models.PositiveSmallIntegerField(_("연도"))
    number = models.PositiveSmallIntegerField(_("차수"))
    received_on = models.DateField(_("수신일"))
    due_on = models.DateField(_("회신 기한"))

    class Meta:
        verbose_name = _("빅데이터 차수")
        verbose_name_plural = _("빅데이터 차수")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "number"], name="bigdata_round_unique"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=6), name="bigdata_round_number_1_6"),
        ]

    def __str__(self) -> str:
        return f"{self.year}년 {self.number}차"


class TargetResult(models.TextChoices):
    SUPPORTED_PUBLIC = "supported_public", _("공공서비스 지원")
    SUPPORTED_PRIVATE = "supported_private", _("민간서비스 지원")
    NO_NEED = "no_need", _("비대상·욕구 없음")
    NOT_LOCATED = "not_located", _("소재 불명")
    REFUSED = "refused", _("거부")


class BigDataTarget(models.Model):
    round = models.ForeignKey(BigDataRound, on_delete=models.CASCADE, related_name="targets")
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="bigdata_targets")
    report = models.OneToOneField(CrisisReport, on_delete=models.CASCADE, related_name="bigdata_target")
    indicators = models.ManyToManyField(RiskIndicator, related_name="targets", verbose_name=_("위기 지표"))
    priority_score = models.PositiveSmallIntegerField(_("우선순위 점수"), null=True, blank=True)
    result_code = models.CharField(_("조사 결과"), max_length=20, choices=TargetResult.choices, blank=True)
    result_note = models.CharField(_("결과 메모"), max_length=300, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("빅데이터 대상")
        verbose_name_plural = _("빅데이터 대상")
        indexes = [models.Index(fields=["round", "dong"], name="bigdata_target_round_dong_idx")]

    def __str__(self) -> str:
        return f"{self.round} {self.report_id}"


class ImportKind(models.TextChoices):
    CRISIS_LIST = "crisis_list", _("복지사각지대 빅데이터 명단")
    TURNING_65 = "turning_65", _("만 65세 도래자 명단")
    NEWBORN = "newborn", _("출생 가정 명단")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("대기")
    RUNNING = "running", _("처리 중")
    DONE = "done", _("완료")
    FAILED = "failed", _("실패")


class ImportBatch(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="import_batches")
    kind = models.CharField(_("명단 종류"), max_length=14, choices=ImportKind.choices)
    round = models.ForeignKey(BigDataRound, null=True, blank=True, on_delete=models.PROTECT, related_name="batches")
    file_name = models.CharField(_("파일명"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    content = models.BinaryField(editable=False, help_text="the uploaded bytes, kept until the import is done")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("상태"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    encoding = models.CharField(_("인코딩"), max_length=20, blank=True)
    total_rows = models.PositiveIntegerField(_("전체 행"), default=0)
    processed_rows = models.PositiveIntegerField(_("처리한 행"), default=0)
    created_count = models.PositiveIntegerField(_("새로 등록"), default=0)
    duplicate_count = models.PositiveIntegerField(_("이미 있음"), default=0)
    error_count = models.PositiveIntegerField(_("오류 행"), default=0)
    error_message = models.CharField(_("오류"), max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("명단 업로드")
        verbose_name_plural = _("명단 업로드")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            # The same file uploaded again is the same batch, not a second import.
            models.UniqueConstraint(fields=["district", "kind", "file_sha256"], name="importbatch_unique_file"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def progress_percent(self) -> int:
        return 100 if not self.total_rows else min(100, round(100 * self.processed_rows / self.total_rows))


class ImportRowError(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField(_("행 번호"))
    reason = models.CharField(_("사유"), max_length=300)
    raw = models.TextField(_("원본"), blank=True)

    class Meta:
        verbose_name = _("업로드 오류 행")
        verbose_name_plural = _("업로드 오류 행")
        ordering = ["batch_id", "line", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "line"], name="importrowerror_unique_line")]

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"


class UniversalKind(models.TextChoices):
    TURNING_65 = "turning_65", _("만 65세 도래")
    NEWBORN = "newborn", _("출생 가정")


class UniversalVisitTarget(models.Model):
    """One person (or newborn family) owed one universal visit: the key makes it once, not once per run."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="universal_targets")
    kind = models.CharField(_("구분"), max_length=12, choices=UniversalKind.choices)
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="universal_targets")
    resident = models.ForeignKey("households.Resident", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    person_key = models.CharField(max_length=64)
    due_on = models.DateField(_("방문 기한"))
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    follow_up = models.ForeignKey("households.FollowUp", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("보편 방문 대상")
        verbose_name_plural = _("보편 방문 대상")
        constraints = [
            models.UniqueConstraint(fields=["district", "kind", "person_key"], name="universal_target_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.household_id}"
