"""The core organisation: districts, dongs, staff roles, and the append-only access log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _

from .common.choices import ChoiceLabels


class District(ChoiceLabels, models.Model):
    """자치구 (gu)."""

    name = models.CharField(_("구 이름"), max_length=50, unique=True)
    code = models.CharField(_("행정구역 코드"), max_length=10, blank=True, help_text=_("모르면 비워 두세요."))

    class Meta:
        verbose_name = _("자치구")
        verbose_name_plural = _("자치구")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DongQuerySet(models.QuerySet):
    def visible_to(self, user) -> DongQuerySet:
        from .scoping import visible_dong_ids

        return self.filter(pk__in=visible_dong_ids(user))


class Dong(ChoiceLabels, models.Model):
    """행정동 (administrative dong): the service area of one community service centre."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="dongs", verbose_name=_("자치구"))
    name = models.CharField(_("동 이름"), max_length=50)
    admin_code = models.CharField(_("행정동 코드"), max_length=10, blank=True, help_text=_("모르면 비워 두세요."))
    is_high_risk = models.BooleanField(_("고위험 지정 동"), default=False)

    objects = DongQuerySet.as_manager()

    class Meta:
        verbose_name = _("행정동")
        verbose_name_plural = _("행정동")
        ordering = ["district__name", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="dong_unique_name_in_district")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    DONG_OFFICIAL = "dong_official", _("동 담당 공무원")
    DONG_LEAD = "dong_lead", _("동 팀장")
    DISTRICT_PLANNER = "district_planner", _("구 기획 담당")
    DISTRICT_ADMIN = "district_admin", _("구 관리자")
    # The field roles of issue 15: a dong's visiting nurse, and the district's integrated case-management team.
    VISITING_NURSE = "visiting_nurse", _("방문간호사")
    CASE_TEAM = "district_case_team", _("희망복지지원단")


DONG_ROLES = {Role.DONG_OFFICIAL, Role.DONG_LEAD, Role.VISITING_NURSE}
DISTRICT_ROLES = {Role.DISTRICT_PLANNER, Role.DISTRICT_ADMIN, Role.CASE_TEAM}


class StaffMembership(ChoiceLabels, models.Model):
    """Gives a Django user one role over some dongs (dong roles) or a whole district (district roles)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff", verbose_name=_("사용자")
    )
    role = models.CharField(_("역할"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="staff", verbose_name=_("자치구"))
    dongs = models.ManyToManyField(
        Dong, blank=True, related_name="staff", verbose_name=_("담당 동"),
        help_text=_("동 담당 공무원과 팀장만 해당합니다. 구 역할은 구 전체를 봅니다."),
    )
    personal_access = models.BooleanField(
        _("개인정보 열람 허용"), default=False,
        help_text=_("구 기획 담당은 기본적으로 집계만 봅니다. 별도로 허가된 경우에만 켜세요."),
    )

    class Meta:
        verbose_name = _("직원 권한")
        verbose_name_plural = _("직원 권한")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def is_dong_role(self) -> bool:
        return self.role in DONG_ROLES


class AccessAction(models.TextChoices):
    VIEW = "view", _("열람")
    CREATE = "create", _("등록")
    UPDATE = "update", _("수정")
    DELETE = "delete", _("삭제")
    EXPORT = "export", _("내려받기")
    REVEAL = "reveal", _("주민등록번호 확인")
    LOGIN = "login", _("로그인")


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("The access log is append-only.")

    def delete(self):
        raise PermissionError("The access log is append-only.")


class AccessLog(ChoiceLabels, models.Model):
    """Append-only record of every view, change and export of personal data (PIPA safety measures §8).

    Kept at least two years. Rows are never updated or deleted by the application; on PostgreSQL a
    trigger refuses it at the database too.
    """

    # Stamped by welfare.access_review.subjects when the entry is written (office hours are judged on this value).
    at = models.DateTimeField(_("일시"), default=timezone_now, editable=False, db_index=True)
    # No database constraint and no cascade: a row is never rewritten, even when its user is deleted
    # (the username column keeps who it was).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+", verbose_name=_("사용자"),
    )
    username = models.CharField(_("계정"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("접속 IP"), null=True, blank=True)
    action = models.CharField(_("행위"), max_length=10, choices=AccessAction.choices)
    verb = models.CharField(_("내용"), max_length=80, help_text="app.model.verb")
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(_("대상"), max_length=200, blank=True)
    household_id = models.BigIntegerField(_("정보주체 세대"), null=True, blank=True, db_index=True)
    reason = models.CharField(_("사유"), max_length=300, blank=True)
    changes = models.JSONField(_("변경 내용"), default=dict, blank=True)
    # The API token that acted (set by welfare.api.auth through a contextvar); empty for the pages. No cascade:
    # revoking or deleting a token keeps its entries, and the prefix says which one it was.
    token = models.ForeignKey(
        "ApiToken", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name=_("API 토큰"),
    )
    token_prefix = models.CharField(_("API 토큰 앞자리"), max_length=8, blank=True)
    # What the review asks of every entry, fixed when the entry is written (welfare.access_review.subjects), so
    # the review reads columns instead of looking the account and the household up for each of a month's rows:
    # the account's district, the subject household's dong and district, whether the household was outside the
    # account's own dongs (dong roles) or district (district roles) at that moment, and whether it was off hours.
    actor_district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name=_("계정의 자치구"),
    )
    subject_dong = models.ForeignKey(
        Dong, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name=_("정보주체 동"),
    )
    subject_district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name=_("정보주체 자치구"),
    )
    # A database default too: a row written by hand (a DBA's INSERT) is valid, and simply not flagged.
    outside_assignment = models.BooleanField(_("담당 외"), default=False, db_default=False)
    off_hours = models.BooleanField(_("업무시간 외"), default=False, db_default=False,
                                    help_text=_("07시 전, 21시 이후, 주말 (서울)"))

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("접근 기록")
        verbose_name_plural = _("접근 기록")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="accesslog_object_idx"),
            # The review: a district's entries of a period are those of its accounts or about its households.
            models.Index(fields=["actor_district", "at"], name="accesslog_actor_district_idx"),
            models.Index(fields=["subject_district", "at"], name="accesslog_subject_district_idx"),
            # "Many reveals (exports) that day" counts an account's few reveals and exports, never its views.
            models.Index(fields=["user", "action", "at"], name="accesslog_reveals_exports_idx",
                         condition=models.Q(action__in=["reveal", "export"])),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.verb}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")


class AccessReview(ChoiceLabels, models.Model):
    """A district's monthly review of its access records (PIPA safety measures: at least monthly)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="access_reviews",
                                 verbose_name=_("자치구"))
    month = models.DateField(_("검토 월"), help_text=_("그 달의 1일"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("검토자"))
    reviewed_by_name = models.CharField(_("검토자 계정"), max_length=150, blank=True)
    at = models.DateTimeField(_("검토 일시"), default=timezone_now)
    comment = models.TextField(_("검토 의견"))

    class Meta:
        verbose_name = _("접근 기록 검토")
        verbose_name_plural = _("접근 기록 검토")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["district", "month"], name="accessreview_once_per_month")]

    def __str__(self) -> str:
        return f"{self.district} {self.month:%Y-%m}"


# --- Scheduled work and notifications ----------------------------------------------------------------------


class JobStatus(models.TextChoices):
    RUNNING = "running", _("실행 중")
    DONE = "done", _("완료")
    FAILED = "failed", _("실패")


class JobRun(ChoiceLabels, models.Model):
    """One run of a scheduled job. ``(job, run_key)`` is unique: a sweep claims its day (or hour) by inserting
    this row, so two beats, or a retry after success, find it taken and do nothing."""

    job = models.CharField(_("작업"), max_length=50)
    run_key = models.CharField(_("실행 구간"), max_length=40, help_text="e.g. 2026-11-24 or 2026-11-24T13")
    status = models.CharField(_("상태"), max_length=10, choices=JobStatus.choices, default=JobStatus.RUNNING)
    started_at = models.DateTimeField(_("시작"), default=timezone_now)
    finished_at = models.DateTimeField(_("종료"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("시도"), default=1)
    counts = models.JSONField(_("처리 건수"), default=dict, blank=True)
    error = models.TextField(_("오류"), blank=True)

    class Meta:
        verbose_name = _("작업 실행 기록")
        verbose_name_plural = _("작업 실행 기록")
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["job", "run_key"], name="jobrun_once_per_key")]

    def __str__(self) -> str:
        return f"{self.job} {self.run_key} {self.status}"


class NotificationKind(models.TextChoices):
    OVERDUE_FOLLOW_UP = "overdue_follow_up", _("접촉 기한 경과")
    OVERDUE_REPORT = "overdue_report", _("제보 초기 접촉 기한 경과")
    SILENCE = "silence", _("무응답 경보")
    CHECKIN_ALERT = "checkin_alert", _("안부 확인 이상 신호")
    UNIVERSAL = "universal", _("보편 방문 대상")
    CASE_TRANSFER = "case_transfer", _("사례 이관")
    APPROVAL = "approval", _("승인 요청·결과")
    HAND_OVER = "hand_over", _("업무 인계")
    OTHER = "other", _("기타")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(ChoiceLabels, models.Model):
    """In-app notice for one user. ``dedupe_key`` makes a sweep that runs twice notify once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("종류"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("제목"), max_length=200)
    url = models.CharField(max_length=300, blank=True)
    household_id = models.BigIntegerField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("일시"), default=timezone_now, db_index=True)
    read_at = models.DateTimeField(_("읽은 시각"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("알림")
        verbose_name_plural = _("알림")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread_idx")]

    def __str__(self) -> str:
        return self.title


# --- API tokens --------------------------------------------------------------------------------------------


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(ChoiceLabels, models.Model):
    """A REST client's token, tied to a user (and so to a role and dongs). Only a SHA-256 of the key is stored;
    the key itself is shown once, when an admin issues it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("사용자"))
    name = models.CharField(_("용도"), max_length=100, help_text=_("예: 구청 대시보드, IoT 게이트웨이"))
    prefix = models.CharField(_("키 앞자리"), max_length=8, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("발급 일시"), default=timezone_now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("발급자"))
    last_used_at = models.DateTimeField(_("최근 사용"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("폐기 일시"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 토큰")
        verbose_name_plural = _("API 토큰")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name} ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        import hashlib

        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str, by=None) -> tuple[ApiToken, str]:
        """A new token and its key (shown once; never stored)."""
        import secrets

        key = "dw_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[3:11], key_hash=cls.hash_key(key), created_by=by)
        return token, key


# --- Account security --------------------------------------------------------------------------------------


class AccountSecurity(ChoiceLabels, models.Model):
    """Per-login security state beside Django's user (welfare.security): whether the password an admin set
    must be changed at the next login, and when the person last chose their own."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="account_security", verbose_name=_("사용자"))
    must_change_password = models.BooleanField(_("다음 로그인 때 비밀번호 변경"), default=False)
    password_changed_at = models.DateTimeField(_("비밀번호 변경 일시"), null=True, blank=True)

    class Meta:
        verbose_name = _("계정 보안 상태")
        verbose_name_plural = _("계정 보안 상태")

    def __str__(self) -> str:
        return str(self.user)


# --- Saved filters of the work lists (issue 15 item 6) -------------------------------------------------------


class SavedFilterList(models.TextChoices):
    """The lists a filter can be saved on (the core names them; the apps own the pages)."""

    CASELOAD = "caseload", _("내 업무")
    TEAM = "team", _("팀 현황")
    TRIAGE = "triage", _("제보 접수함")


class SavedFilter(ChoiceLabels, models.Model):
    """A named query string of a work list: the user's own, or shared with the staff of one of their dongs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters",
                             verbose_name=_("만든 사람"))
    list_key = models.CharField(_("목록"), max_length=12, choices=SavedFilterList.choices)
    name = models.CharField(_("이름"), max_length=40)
    query = models.CharField(_("검색 조건"), max_length=500, blank=True)
    shared_dong = models.ForeignKey(Dong, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("공유한 동"), help_text=_("비우면 나만 봅니다."))
    created_at = models.DateTimeField(_("만든 일시"), default=timezone_now)

    class Meta:
        verbose_name = _("저장한 필터")
        verbose_name_plural = _("저장한 필터")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "list_key", "name"], name="savedfilter_unique_name")]
        indexes = [models.Index(fields=["list_key", "shared_dong"], name="savedfilter_shared_idx")]

    def __str__(self) -> str:
        return f"{self.get_list_key_display()} · {self.name}"



from .messaging.models import (  # noqa: E402,F401  (the core's outbound messages: welfare.messaging)
    MessageChannel,
    MessagePurpose,
    MessageState,
    MessageTemplate,
    OutboundMessage,
)
