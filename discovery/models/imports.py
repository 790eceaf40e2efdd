"""Discovery models: big-data rounds, their targets, list imports and universal-visit targets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import District, Dong

from .reports import CrisisReport, RiskSignal

# --- Big-data rounds and list imports -----------------------------------------------------------------------


class ListSystem(models.TextChoices):
    """The Ministry's two lists of people to check (DOMAIN §3): each has its own rounds, indicators and results."""

    BLIND_SPOT = "blind_spot", _("복지사각지대 발굴")
    LONELY_DEATH = "lonely_death", _("고독사위기대응")


# Rounds a year: the blind-spot list is bimonthly (6), the lonely-death list quarterly (4, live since 2026-02-27).
ROUNDS_PER_YEAR: dict[str, int] = {ListSystem.BLIND_SPOT: 6, ListSystem.LONELY_DEATH: 4}


class RiskIndicator(ChoiceLabels, models.Model):
    """The Ministry's risk indicators (DOMAIN §3), seeded by migrations; district admins keep the catalogue
    (names, aliases, the lists that use each, new indicators mapped from the names a list used)."""

    code = models.SlugField(_("코드"), max_length=40, unique=True)
    name_ko = models.CharField(_("이름(한국어)"), max_length=100)
    name_en = models.CharField(_("이름(영어)"), max_length=100, blank=True)
    signal = models.CharField(_("위기 신호"), max_length=20, choices=RiskSignal.choices, default=RiskSignal.OTHER,
                              help_text=_("제보의 위기 신호로 옮길 때"))
    blind_spot = models.BooleanField(_("복지사각지대 지표"), default=True)
    lonely_death = models.BooleanField(_("고독사 위기 지표"), default=False)

    class Meta:
        verbose_name = _("위기 지표")
        verbose_name_plural = _("위기 지표")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_ko


class RiskIndicatorAlias(ChoiceLabels, models.Model):
    """Another name a list uses for an indicator ("재난적 의료비" for 재난적 의료비·의료비 과다지출). The key is the
    name as :func:`discovery.imports.values.indicator_key` normalises it: one name means one indicator."""

    indicator = models.ForeignKey(RiskIndicator, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("다른 이름"), max_length=100)
    key = models.CharField(max_length=100, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("위기 지표 다른 이름")
        verbose_name_plural = _("위기 지표 다른 이름")
        ordering = ["indicator_id", "name"]

    def __str__(self) -> str:
        return self.name


class UnmappedIndicator(ChoiceLabels, models.Model):
    """An indicator name a list used that the catalogue did not know: the rows were imported with it kept as
    written, and a district admin maps it to an indicator (or makes it a new one); the targets then move over."""

    key = models.CharField(max_length=100, unique=True)
    name = models.CharField(_("명단에 적힌 이름"), max_length=100)
    first_seen_at = models.DateTimeField(_("처음 나온 때"), auto_now_add=True)
    mapped_to = models.ForeignKey(RiskIndicator, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="mapped_names", verbose_name=_("연결한 지표"))
    mapped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    mapped_at = models.DateTimeField(_("연결한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("미분류 위기 지표")
        verbose_name_plural = _("미분류 위기 지표")
        ordering = ["-first_seen_at", "pk"]

    def __str__(self) -> str:
        return self.name


class BigDataRound(ChoiceLabels, models.Model):
    """One round of a Ministry list for one district: the blind-spot list (6 a year) or the lonely-death list
    (4 a year), with the day it came and the day the answers are due."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="bigdata_rounds")
    system = models.CharField(_("명단"), max_length=14, choices=ListSystem.choices, default=ListSystem.BLIND_SPOT)
    year = models.PositiveSmallIntegerField(_("연도"))
    number = models.PositiveSmallIntegerField(_("차수"))
    received_on = models.DateField(_("수신일"))
    due_on = models.DateField(_("회신 기한"))

    class Meta:
        verbose_name = _("빅데이터 차수")
        verbose_name_plural = _("빅데이터 차수")
        ordering = ["-year", "-number", "system"]
        constraints = [
            models.UniqueConstraint(fields=["district", "system", "year", "number"], name="bigdata_round_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & (Q(system="blind_spot", number__lte=6)
                                              | Q(system="lonely_death", number__lte=4)),
                name="bigdata_round_number_in_year"),
        ]

    def __str__(self) -> str:
        if self.system == ListSystem.LONELY_DEATH:
            return f"고독사 {self.year}년 {self.number}차"
        return f"{self.year}년 {self.number}차"

    @property
    def is_lonely_death(self) -> bool:
        return self.system == ListSystem.LONELY_DEATH

    @property
    def result_choices(self) -> list[tuple[str, str]]:
        return result_choices(self.system)


class TargetResult(models.TextChoices):
    """What the dong answers for a blind-spot target (DOMAIN §3)."""

    SUPPORTED_PUBLIC = "supported_public", _("공공서비스 지원")
    SUPPORTED_PRIVATE = "supported_private", _("민간서비스 지원")
    NO_NEED = "no_need", _("비대상·욕구 없음")
    NOT_LOCATED = "not_located", _("소재 불명")
    REFUSED = "refused", _("거부")


class LonelyDeathResult(models.TextChoices):
    """What the dong answers for a lonely-death target: the risk group the visit and the isolation checklist
    found (0 일반, 1–3 저위험, 4–8 중위험, 9–13 고위험: DOMAIN §5 R9), or why nobody was assessed."""

    RISK_HIGH = "risk_high", _("고위험군")
    RISK_MEDIUM = "risk_medium", _("중위험군")
    RISK_LOW = "risk_low", _("저위험군")
    NOT_AT_RISK = "not_at_risk", _("일반(위험군 아님)")
    DECEASED = "deceased", _("사망")
    NOT_LOCATED = "not_located", _("소재 불명")
    REFUSED = "refused", _("거부")


def result_choices(system: str) -> list[tuple[str, str]]:
    return LonelyDeathResult.choices if system == ListSystem.LONELY_DEATH else TargetResult.choices


# Every result of either list, once (the column's choices; each round offers its own list's).
ALL_RESULT_CHOICES = list({code: label for code, label in [*TargetResult.choices,
                                                           *LonelyDeathResult.choices]}.items())


class BigDataTarget(ChoiceLabels, models.Model):
    round = models.ForeignKey(BigDataRound, on_delete=models.CASCADE, related_name="targets")
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="bigdata_targets")
    report = models.OneToOneField(CrisisReport, on_delete=models.CASCADE, related_name="bigdata_target")
    indicators = models.ManyToManyField(RiskIndicator, related_name="targets", verbose_name=_("위기 지표"))
    # Names the list used that the catalogue did not know, kept as written until a district admin maps them.
    unmapped_indicators = models.ManyToManyField(UnmappedIndicator, blank=True, related_name="targets",
                                                 verbose_name=_("미분류 위기 지표"))
    priority_score = models.PositiveSmallIntegerField(_("우선순위 점수"), null=True, blank=True)
    # The person's reference in 행복e음 (the list's 관리번호), from the list or typed with the answer.
    ssis_ref = models.CharField(_("행복e음 관리번호"), max_length=40, blank=True)
    # The answer and the crisis report's outcome are one truth (discovery.services.rounds): answering here
    # resolves the report, resolving the report writes the answer.
    result_code = models.CharField(_("조사 결과"), max_length=20, choices=ALL_RESULT_CHOICES, blank=True)
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

    @property
    def access_log_household_id(self) -> int | None:
        """The access log files a target's entries under the household its report was matched to."""
        return self.report.household_id


class ImportKind(models.TextChoices):
    CRISIS_LIST = "crisis_list", _("복지사각지대 빅데이터 명단")
    LONELY_DEATH_LIST = "lonely_death", _("고독사위기대응 명단")
    TURNING_65 = "turning_65", _("만 65세 도래자 명단")
    NEWBORN = "newborn", _("출생 가정 명단")


# The lists of people the Ministry sends in rounds, and the round series each belongs to.
ROUND_LISTS: dict[str, str] = {ImportKind.CRISIS_LIST: ListSystem.BLIND_SPOT,
                               ImportKind.LONELY_DEATH_LIST: ListSystem.LONELY_DEATH}


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("대기")
    RUNNING = "running", _("처리 중")
    DONE = "done", _("완료")
    FAILED = "failed", _("실패")
    # The import stopped and will not go on by itself (its worker died too often, or an unexpected error):
    # "다시 시작" resumes it from the last committed line.
    INTERRUPTED = "interrupted", _("중단됨")


class ImportBatch(ChoiceLabels, models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="import_batches")
    kind = models.CharField(_("명단 종류"), max_length=14, choices=ImportKind.choices)
    round = models.ForeignKey(BigDataRound, null=True, blank=True, on_delete=models.PROTECT, related_name="batches")
    file_name = models.CharField(_("파일명"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    # The uploaded file, encrypted (welfare.common.crypto): kept while the import may need it, emptied when the
    # batch is done or failed, or after IMPORT_UPLOAD_RETENTION_DAYS by the nightly retention job.
    content = models.BinaryField(editable=False, help_text="the uploaded bytes, encrypted, kept until the import ends")
    upload_deleted_at = models.DateTimeField(_("원본 파일 삭제 일시"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("상태"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    encoding = models.CharField(_("인코딩"), max_length=20, blank=True)
    total_rows = models.PositiveIntegerField(_("전체 행"), default=0)
    processed_rows = models.PositiveIntegerField(_("처리한 행"), default=0)
    created_count = models.PositiveIntegerField(_("새로 등록"), default=0)
    duplicate_count = models.PositiveIntegerField(_("이미 있음"), default=0)
    error_count = models.PositiveIntegerField(_("오류 행"), default=0)
    error_rows_dropped = models.PositiveIntegerField(
        _("보관하지 않은 오류 행"), default=0, help_text="error rows past IMPORT_MAX_ERROR_ROWS: counted, not stored")
    error_message = models.CharField(_("오류"), max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Resuming: the last line of the file whose chunk is committed (0: none yet), the running worker's sign of
    # life, and the claims since the upload or the last "다시 시작".
    resume_line = models.PositiveIntegerField(_("처리를 마친 마지막 줄"), default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("시도 횟수"), default=0)

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

    @property
    def last_sign_of_life(self):
        return self.heartbeat_at or self.started_at or self.uploaded_at

    @property
    def is_stalled(self) -> bool:
        """Cannot go on by itself: interrupted, or "running" with no heartbeat for longer than the stale limit
        (its worker vanished). The page shows "중단됨 — 다시 시작"."""
        if self.status == ImportStatus.INTERRUPTED:
            return True
        if self.status != ImportStatus.RUNNING or self.last_sign_of_life is None:
            return False
        return (timezone.now() - self.last_sign_of_life).total_seconds() > settings.IMPORT_STALE_SECONDS

    @property
    def upload_kept(self) -> bool:
        """Whether the uploaded file is still stored (an unfinished batch can then go on)."""
        return self.upload_deleted_at is None

    @property
    def error_rows_kept(self) -> int:
        return self.error_count - self.error_rows_dropped


class ImportRowError(ChoiceLabels, models.Model):
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


class UniversalVisitTarget(ChoiceLabels, models.Model):
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
