"""Households models: cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.common.dates import seoul_today
from welfare.scoping import ScopedQuerySet

from .households import Household
from .residents import Resident

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
    ARCHIVED = "archived", _("보관(사후관리 종료)")


# The only moves a case may make (DESIGN §1.3). A case leaves conference only through its recorded conference
# (households.services.conferences): selected → planning, not selected → closing. A team lead may return a closing
# proposal to service. After-care (follow_up) ends only through the recorded outcome of an after-care contact
# (households.services.aftercare): no problem at the last one → archived, a relapse → reassessment (or a new case
# linked to this one, which archives this one).
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStage.INTAKE: frozenset({CaseStage.ASSESSMENT}),
    CaseStage.ASSESSMENT: frozenset({CaseStage.CONFERENCE}),
    CaseStage.CONFERENCE: frozenset({CaseStage.PLANNING, CaseStage.CLOSING}),
    CaseStage.PLANNING: frozenset({CaseStage.IN_SERVICE}),
    CaseStage.IN_SERVICE: frozenset({CaseStage.REASSESSMENT, CaseStage.CLOSING}),
    CaseStage.REASSESSMENT: frozenset({CaseStage.PLANNING, CaseStage.CLOSING}),
    CaseStage.CLOSING: frozenset({CaseStage.CLOSED, CaseStage.IN_SERVICE}),
    CaseStage.CLOSED: frozenset({CaseStage.FOLLOW_UP}),
    CaseStage.FOLLOW_UP: frozenset({CaseStage.REASSESSMENT, CaseStage.ARCHIVED}),
    CaseStage.ARCHIVED: frozenset(),
}
# Closed, in after-care, or archived: no longer in progress (counts, filters, the one-open-case constraint).
CLOSED_STAGES = frozenset({CaseStage.CLOSED, CaseStage.FOLLOW_UP, CaseStage.ARCHIVED})
OPEN_STAGES = frozenset(set(CaseStage.values) - CLOSED_STAGES)
# Moves only the after-care outcome makes (households.services.aftercare), never the generic stage form.
AFTERCARE_MOVES = frozenset({(CaseStage.FOLLOW_UP, CaseStage.REASSESSMENT), (CaseStage.FOLLOW_UP, CaseStage.ARCHIVED)})
# Moves only the case conference's recorded decision makes (households.services.conferences): selected → planning,
# not selected → closing; never the generic stage form or the API's transition.
CONFERENCE_MOVES = frozenset({(CaseStage.CONFERENCE, CaseStage.PLANNING), (CaseStage.CONFERENCE, CaseStage.CLOSING)})
# How soon a reassessment counts as due (the case list's filter, the reminder job, the today page).
REASSESSMENT_SOON_DAYS = 7
BEFORE_ASSESSMENT_DONE = frozenset({CaseStage.INTAKE, CaseStage.ASSESSMENT})
BEFORE_PLAN_DONE = frozenset({CaseStage.INTAKE, CaseStage.ASSESSMENT, CaseStage.CONFERENCE, CaseStage.PLANNING})
ASSESSMENT_DAYS = 10
PLAN_DAYS = 30
SELECTION_DAYS = 5  # from the conference's start to the selection (DOMAIN §2, stage 7)
AGREEMENT_DAYS = 15  # from the start of planning to the client's agreement to the plan (stage 8)


# --- Deadlines (DOMAIN §2): the one place that says when a case is late -----------------------------------


@dataclass(frozen=True)
class Deadline:
    """A time limit pending while the case is in one of ``pending`` stages, counted from intake (``starts_at``
    None: set at open by :func:`due_dates`) or from the day the case enters the stage ``starts_at`` (set at that
    move by :func:`entry_due_dates`; NULL until then, and a NULL due date is never late).

    The model (``Case.deadline_flags``), the queryset (``CaseQuerySet.overdue`` / ``with_deadline_flags``), the
    API filter, the work lists and the case page all ask these objects; nothing else spells the rule.
    """

    key: str
    days: int
    pending: frozenset[str]
    due_field: str
    label: Promise
    starts_at: str | None = None

    @property
    def flag(self) -> str:
        """The annotation (and serializer field) name: ``is_<key>_overdue``."""
        return f"is_{self.key}_overdue"

    def due_on(self, opened_on: dt.date) -> dt.date:
        return opened_on + dt.timedelta(days=self.days)

    def is_overdue(self, stage: str, due_on: dt.date | None, today: dt.date) -> bool:
        return stage in self.pending and due_on is not None and due_on < today

    def late(self, today: dt.date) -> Q:
        """The same rule as :meth:`is_overdue`, as a WHERE condition on cases (a NULL due date is not late)."""
        return Q(stage__in=sorted(self.pending), **{f"{self.due_field}__isnull": False,
                                                   f"{self.due_field}__lt": today})


ASSESSMENT_DEADLINE = Deadline("assessment", ASSESSMENT_DAYS, BEFORE_ASSESSMENT_DONE, "assessment_due_on",
                               format_lazy(_("욕구·위기도 조사 (접수 후 약 {days}일)"), days=ASSESSMENT_DAYS))
PLAN_DEADLINE = Deadline("plan", PLAN_DAYS, BEFORE_PLAN_DONE, "plan_due_on",
                         format_lazy(_("서비스 제공계획 (접수 후 {days}일 이내)"), days=PLAN_DAYS))
SELECTION_DEADLINE = Deadline("selection", SELECTION_DAYS, frozenset({CaseStage.CONFERENCE}), "selection_due_on",
                              format_lazy(_("사례회의 선정 (회의 단계 시작 후 약 {days}일)"), days=SELECTION_DAYS),
                              starts_at=CaseStage.CONFERENCE)
AGREEMENT_DEADLINE = Deadline("agreement", AGREEMENT_DAYS, frozenset({CaseStage.PLANNING}), "agreement_due_on",
                              format_lazy(_("계획 동의 (계획 단계 시작 후 약 {days}일)"), days=AGREEMENT_DAYS),
                              starts_at=CaseStage.PLANNING)
DEADLINES: tuple[Deadline, ...] = (ASSESSMENT_DEADLINE, SELECTION_DEADLINE, AGREEMENT_DEADLINE, PLAN_DEADLINE)


def due_dates(opened_on: dt.date) -> dict[str, dt.date]:
    """The due-date fields counted from intake of a case opened on ``opened_on``
    (``{"assessment_due_on": ..., "plan_due_on": ...}``); the others are set when their stage starts."""
    return {d.due_field: d.due_on(opened_on) for d in DEADLINES if d.starts_at is None}


def entry_due_dates(stage: str, entered_on: dt.date) -> dict[str, dt.date]:
    """The due-date fields a move into ``stage`` on ``entered_on`` sets (entering planning again after a
    reassessment starts a new agreement limit)."""
    return {d.due_field: d.due_on(entered_on) for d in DEADLINES if d.starts_at == stage}


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
        return self.filter(ASSESSMENT_DEADLINE.late(today))

    def plan_overdue(self, today: dt.date) -> CaseQuerySet:
        return self.filter(PLAN_DEADLINE.late(today))

    def selection_overdue(self, today: dt.date) -> CaseQuerySet:
        return self.filter(SELECTION_DEADLINE.late(today))

    def agreement_overdue(self, today: dt.date) -> CaseQuerySet:
        return self.filter(AGREEMENT_DEADLINE.late(today))

    @staticmethod
    def late(today: dt.date) -> Q:
        """Any deadline passed (one condition, for filters that include or exclude late cases)."""
        condition = Q()
        for deadline in DEADLINES:
            condition |= deadline.late(today)
        return condition

    def overdue(self, today: dt.date) -> CaseQuerySet:
        return self.filter(self.late(today))

    def reassessment_due(self, today: dt.date) -> CaseQuerySet:
        """Open cases whose reassessment (재사정) falls within REASSESSMENT_SOON_DAYS of today, or has passed."""
        return self.filter(self.reassessment_due_q(today))

    @staticmethod
    def reassessment_due_q(today: dt.date, prefix: str = "") -> Q:
        soon = today + dt.timedelta(days=REASSESSMENT_SOON_DAYS)
        return Q(**{f"{prefix}stage__in": sorted(OPEN_STAGES), f"{prefix}reassessment_due_on__lte": soon})

    def with_deadline_flags(self, today: dt.date) -> CaseQuerySet:
        """``is_assessment_overdue`` / ``is_selection_overdue`` / ``is_agreement_overdue`` / ``is_plan_overdue``
        as columns."""
        return self.annotate(**{d.flag: d.late(today) for d in DEADLINES})


class Case(ChoiceLabels, models.Model):
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
    # Set when the case enters conference / planning (the limits counted from that day, DOMAIN §2 rows 7 and 8).
    selection_due_on = models.DateField(_("사례회의 선정 기한"), null=True, blank=True)
    agreement_due_on = models.DateField(_("계획 동의 기한"), null=True, blank=True)
    closing_reason = models.CharField(_("종결 사유"), max_length=14, choices=ClosingReason.choices, blank=True)
    closing_note = models.TextField(_("종결 사유 상세"), blank=True)
    closed_on = models.DateField(_("종결일"), null=True, blank=True)
    # Set on entering in_service (entry day + the district's reassessment months), cleared while in reassessment;
    # a visit that found a change of circumstances may bring it forward (households.services.visits).
    reassessment_due_on = models.DateField(_("재사정 예정일"), null=True, blank=True, db_index=True)
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

    def reassessment_state(self, today: dt.date | None = None) -> str:
        """"overdue", "due" (within REASSESSMENT_SOON_DAYS) or "" for an open case's reassessment."""
        today = today or seoul_today()
        if not self.is_open or self.reassessment_due_on is None:
            return ""
        if self.reassessment_due_on < today:
            return "overdue"
        return "due" if self.reassessment_due_on <= today + dt.timedelta(days=REASSESSMENT_SOON_DAYS) else ""

    def deadline_flags(self, today: dt.date | None = None) -> dict[str, bool]:
        today = today or seoul_today()
        return {d.key: d.is_overdue(self.stage, getattr(self, d.due_field), today) for d in DEADLINES}


class CaseNeed(ChoiceLabels, models.Model):
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


class CaseGoal(ChoiceLabels, models.Model):
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


class CaseStageChange(ChoiceLabels, models.Model):
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
