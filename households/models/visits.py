"""Households models: visits."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.scoping import ScopedQuerySet

from .cases import Case, NeedDomain, Severity
from .households import Household, RiskLevel

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


class Visit(ChoiceLabels, models.Model):
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
    # A change in the household (illness, job loss, a member left...): an in-service case goes to reassessment.
    # A database default too: the bench's raw INSERT of visits (welfare.demo.bench.volume) names no such column.
    circumstances_changed = models.BooleanField(_("상황 변화 있음"), default=False, db_default=False)
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
        indexes = [
            models.Index(fields=["household", "-visited_at"], name="visit_household_at_idx"),
            # The silence watch reads the recent visits of all households at once (households.jobs.silence).
            models.Index(fields=["visited_at"], name="visit_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.visited_at):%Y-%m-%d %H:%M}"


class VisitNeed(ChoiceLabels, models.Model):
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
    # An out-of-range health measurement from a device (households.services.measurements): the visiting nurse.
    HEALTH = "health", _("건강 측정 이상")
    AFTERCARE_FIRST = "aftercare_1", _("사후관리 1차")
    AFTERCARE_LAST = "aftercare_2", _("사후관리 2차(최종)")
    REASSESSMENT = "reassessment", _("재사정 도래")


# After-care contacts of a closed case, in order; their outcome is recorded with households.services.aftercare.
AFTERCARE_REASONS = (FollowUpReason.AFTERCARE_FIRST, FollowUpReason.AFTERCARE_LAST)
# Met by their own action (the after-care outcome, the case entering reassessment), never by a visit.
NOT_MET_BY_VISIT = frozenset({*AFTERCARE_REASONS, FollowUpReason.REASSESSMENT})


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


class FollowUp(ChoiceLabels, models.Model):
    """A planned contact. At most one open per household and reason (a database constraint)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="follow_ups")
    # The household's dong, kept equal to it by the database (triggers of migration 0024, on every insert, on a
    # change of household and on a household's move to another dong), never written by the code: the dong queue
    # finds its open unassigned follow-ups by it on one index instead of joining every household of the district.
    dong = models.ForeignKey("welfare.Dong", null=True, blank=True, editable=False, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+", verbose_name=_("행정동"))
    # The case an after-care contact or a reassessment reminder belongs to (none for the household's others).
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups",
                             verbose_name=_("사례"))
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
        indexes = [
            models.Index(fields=["status", "due_on"], name="followup_status_due_idx"),
            # The silence watch: the silence follow-ups raised since a day, of all households at once.
            models.Index(fields=["reason", "due_on"], name="followup_reason_due_idx"),
            # The dong queue (today page, 통·대기열): open follow-ups nobody is assigned to, earliest due first.
            models.Index(fields=["dong", "due_on", "id"], name="followup_dong_queue_idx",
                         condition=Q(status="open", assigned_to__isnull=True)),
            # The API's list in its order (Meta.ordering): read in order, each row's household checked by its key
            # until the page is full, instead of sorting the district's follow-ups (212 → 19 ms for a district
            # admin at 1,000,000 households).
            models.Index(fields=["due_on", "id"], name="followup_due_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.due_on}"


class CheckInSource(models.TextChoices):
    IOT = "iot", _("IoT 센서")
    AI_CALL = "ai_call", _("AI 안부전화")
    HEALTH_DRINK = "health_drink", _("건강음료 배달")
    CARE_TEAM = "care_team", _("돌봄단 안부 확인")
    WELFARE_MAIL = "welfare_mail", _("복지등기")
    OTHER = "other", _("기타")


class CheckIn(ChoiceLabels, models.Model):
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
        indexes = [
            models.Index(fields=["household", "-at"], name="checkin_household_at_idx"),
            # The silence watch: the recent signs of life (alerts are not) of all households at once.
            models.Index(fields=["at"], condition=Q(is_alert=False), name="checkin_life_at_idx"),
            # The API's list in its order, as the follow-ups' (126 → 16 ms for a district admin at 1,000,000).
            models.Index(fields=["-at", "-id"], name="checkin_at_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.at:%Y-%m-%d}"
