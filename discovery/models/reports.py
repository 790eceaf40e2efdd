"""Discovery models: crisis reports, their reporters, contact attempts, household merges and rewards."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField

from welfare.common.choices import ChoiceLabels
from welfare.models import District, Dong

from .network import NetworkMember

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
    LONELY_DEATH = "lonely_death", _("고독사위기대응 명단")


class ReporterKind(models.TextChoices):
    NETWORK_MEMBER = "network_member", _("인적안전망 구성원")
    MANDATORY = "mandatory", _("신고의무자")
    NAMED = "named", _("실명 신고")
    ANONYMOUS = "anonymous", _("익명")
    SELF = "self", _("본인 신청")


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
    REFUSED = "refused", _("본인 거부")


OUTCOMES_NEEDING_REASON = frozenset(
    {ReportOutcome.NO_NEED, ReportOutcome.UNREACHABLE, ReportOutcome.DUPLICATE, ReportOutcome.REFERRED,
     ReportOutcome.REFUSED}
)


def overdue_q(now: dt.datetime | None = None) -> Q:
    """The overdue rule, once: open, never contacted, first-contact deadline passed (for filters, annotations
    and conditional counts; :meth:`CrisisReport.is_overdue` is the same on one loaded report)."""
    return ~Q(status=ReportStatus.RESOLVED) & Q(first_contacted_at__isnull=True,
                                                first_contact_due_at__lt=now or timezone.now())


TRIAGE_ORDER = ("-urgent_rank", "-overdue_rank", "received_at", "id")


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

    def with_triage_ranks(self, now: dt.datetime | None = None) -> CrisisReportQuerySet:
        """The keys of the triage order: ``urgent_rank`` and ``overdue_rank`` (1 or 0)."""
        return self.annotate(
            urgent_rank=Case(When(urgency=Urgency.URGENT, then=Value(1)), default=Value(0),
                             output_field=IntegerField()),
            overdue_rank=Case(When(overdue_q(now), then=Value(1)), default=Value(0), output_field=IntegerField()),
        )

    def in_triage_order(self, now: dt.datetime | None = None) -> CrisisReportQuerySet:
        """Urgent first, then overdue (first contact due and not made), then oldest, then by id."""
        return self.with_triage_ranks(now).order_by(*TRIAGE_ORDER)


class CrisisReport(ChoiceLabels, models.Model):
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
    # The business whose memo pad or poster QR code the tip came through (issue 17), for counts per business.
    source = models.ForeignKey("discovery.ReportSource", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="reports", verbose_name=_("제보 경로 업소"))
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
            # The today page: an official's open reports, and the open reports of a lead's dongs with no official,
            # each the first ten by first-contact deadline and how many in all. Partial (open reports only) and
            # covering what the scoping asks, so the ten ids and the count are read from the index alone; with
            # 29,000 open reports in two dongs (a Ministry round) the lead's page took 190 ms without them.
            models.Index(fields=["assigned_official", "first_contact_due_at", "id"], include=["dong", "district"],
                         condition=~Q(status="resolved"), name="report_mine_open_idx"),
            models.Index(fields=["dong", "first_contact_due_at", "id"], include=["district"],
                         condition=~Q(status="resolved") & Q(assigned_official__isnull=True),
                         name="report_unassigned_open_idx"),
            # The triage queue: the open reports of the user's dongs (or district), urgent first, then overdue,
            # then oldest. Covering what its order and the scoping read, so its count and the top 25 of its sort
            # are read from the index alone: a Ministry round of 50,000 reports in two dongs took the official's
            # queue 276 ms (a sort of every report's whole row, spilled to disk), 64–94 ms with it and ids first.
            models.Index(fields=["dong", "received_at", "id"],
                         include=["district", "urgency", "status", "first_contact_due_at", "first_contacted_at"],
                         condition=~Q(status="resolved"), name="report_open_queue_idx"),
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


class ReporterIdentity(ChoiceLabels, models.Model):
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


class ContactAttempt(ChoiceLabels, models.Model):
    report = models.ForeignKey(CrisisReport, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("일시"), default=timezone.now)
    method = models.CharField(_("방법"), max_length=14, choices=AttemptMethod.choices)
    reached = models.BooleanField(_("연락 닿음"), default=False)
    note = models.CharField(_("메모"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The field app's id of the queued item: a resent attempt finds the first instead of adding a second.
    client_id = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("접촉 시도")
        verbose_name_plural = _("접촉 시도")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.at:%Y-%m-%d}"


class HouseholdMerge(ChoiceLabels, models.Model):
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


class RewardDecision(ChoiceLabels, models.Model):
    """The ledger: one decision per report, pending, eligible or why not, amount, approval and payment.

    A report that may earn a reward waits (``eligible`` None, no ``decided_on``) until the household is actually
    selected: its case chosen at the case conference, or its public benefit decided and provided
    (discovery.services.rewards)."""

    report = models.OneToOneField(CrisisReport, on_delete=models.PROTECT, related_name="reward")
    informant_key = models.CharField(max_length=80, db_index=True, help_text="member:<id> or phone:<hash>")
    informant_label = models.CharField(_("신고자"), max_length=100)
    eligible = models.BooleanField(_("지급 대상"), null=True, help_text=_("비어 있으면 선정 대기"))
    reason = models.CharField(_("판단 사유"), max_length=300)
    amount_krw = models.PositiveIntegerField(_("금액(원)"), default=0)
    pending_since = models.DateField(_("선정 대기 시작일"), null=True, blank=True)
    decided_on = models.DateField(_("판단일"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("승인자"))
    paid_on = models.DateField(_("지급일"), null=True, blank=True)
    # A lead sent the decision back to the official who made it (approval inbox), with why.
    returned_on = models.DateField(_("반려일"), null=True, blank=True)
    return_note = models.CharField(_("반려 사유"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("신고포상금 결정")
        verbose_name_plural = _("신고포상금 결정")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(eligible=True) | Q(amount_krw=0),
                                   name="reward_ineligible_pays_nothing"),
            # Pending: no decision day yet; decided: a day.
            models.CheckConstraint(condition=Q(eligible__isnull=True, decided_on__isnull=True)
                                   | Q(eligible__isnull=False, decided_on__isnull=False),
                                   name="reward_decided_has_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.amount_krw:,}원"

    @property
    def is_pending(self) -> bool:
        return self.eligible is None
