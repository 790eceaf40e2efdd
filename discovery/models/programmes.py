"""Social-network programmes (사회관계망 프로그램: park golf, side-dish making, horticulture for isolated households)
and their outcome measures: sessions, participants enrolled from households, attendance, and a before/after score
per participant on each of the programme's instruments.

The instruments (a social-network index, a loneliness scale) and their items are data (the migration
``programme_instruments`` loads the two defaults), so a district can load its own in the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import District, Dong
from welfare.scoping import ScopedQuerySet


class Instrument(ChoiceLabels, models.Model):
    """A scored questionnaire. ``district`` empty: offered to every district."""

    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="instruments", verbose_name=_("자치구"))
    code = models.SlugField(_("코드"), max_length=40)
    name = models.CharField(_("척도명"), max_length=200)
    short_name = models.CharField(_("약칭"), max_length=40)
    higher_is_better = models.BooleanField(
        _("높을수록 좋음"), default=True, help_text=_("사회관계망 지수는 높을수록, 외로움 척도는 낮을수록 좋습니다."))
    choice_labels = models.JSONField(
        _("응답 보기"), default=list,
        help_text=_("보기 문구의 목록. 첫 보기가 최저점(min_value)이고 하나씩 1점 높아집니다."))
    min_value = models.SmallIntegerField(_("문항 최저점"), default=0)
    source = models.TextField(_("출처·이용 조건"), blank=True)

    class Meta:
        verbose_name = _("측정 척도")
        verbose_name_plural = _("측정 척도")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="instrument_unique_code"),
            models.UniqueConstraint(fields=["code"], condition=Q(district__isnull=True),
                                    name="instrument_unique_shared_code"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def max_value(self) -> int:
        return self.min_value + max(len(self.choice_labels) - 1, 0)


class InstrumentItem(ChoiceLabels, models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("순서"))
    text = models.CharField(_("문항"), max_length=300)
    reverse = models.BooleanField(_("역채점"), default=False)

    class Meta:
        verbose_name = _("척도 문항")
        verbose_name_plural = _("척도 문항")
        ordering = ["instrument_id", "order"]
        constraints = [models.UniqueConstraint(fields=["instrument", "order"], name="instrumentitem_unique_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class ProgrammeQuerySet(models.QuerySet):
    def in_dongs(self, dong_ids) -> ProgrammeQuerySet:
        return self.filter(dong_id__in=dong_ids)


class Programme(ChoiceLabels, models.Model):
    """A programme a dong centre runs, with its place, partners and budget; linked to the annual plan."""

    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("행정동"))
    plan = models.ForeignKey("plans.AnnualPlan", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="programmes", verbose_name=_("연간 기본계획"))
    title = models.CharField(_("프로그램명"), max_length=200)
    description = models.TextField(_("내용"), blank=True)
    place = models.CharField(_("장소"), max_length=200)
    partners = models.CharField(_("협력 기관"), max_length=300, blank=True)
    budget_krw = models.PositiveBigIntegerField(_("예산(원)"), default=0)
    starts_on = models.DateField(_("시작일"))
    ends_on = models.DateField(_("종료일"))
    instruments = models.ManyToManyField(Instrument, related_name="programmes", verbose_name=_("성과 측정 척도"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("사회관계망 프로그램")
        verbose_name_plural = _("사회관계망 프로그램")
        ordering = ["-starts_on", "title", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="programme_ends_after_start")]

    def __str__(self) -> str:
        return self.title


class ProgrammeSession(ChoiceLabels, models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("일자"))
    topic = models.CharField(_("주제"), max_length=200, blank=True)
    place = models.CharField(_("장소"), max_length=200, blank=True, help_text=_("비우면 프로그램 장소"))

    class Meta:
        verbose_name = _("프로그램 회차")
        verbose_name_plural = _("프로그램 회차")
        ordering = ["held_on", "id"]
        constraints = [models.UniqueConstraint(fields=["programme", "held_on", "topic"], name="session_unique_day")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}".strip()


class ParticipantQuerySet(ScopedQuerySet):
    dong_path = "resident__household__dong"


class Participant(ChoiceLabels, models.Model):
    """A resident enrolled in a programme (only with an active consent to collection and use)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    resident = models.ForeignKey("households.Resident", on_delete=models.PROTECT, related_name="programmes",
                                 verbose_name=_("참여자"))
    enrolled_on = models.DateField(_("등록일"))
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("프로그램 참여자")
        verbose_name_plural = _("프로그램 참여자")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["programme", "resident"], name="participant_unique")]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.resident_id}"

    @property
    def access_log_household_id(self) -> int:
        return self.resident.household_id


class Attendance(ChoiceLabels, models.Model):
    """A participant was present at a session (a row is presence)."""

    session = models.ForeignKey(ProgrammeSession, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendances")

    class Meta:
        verbose_name = _("출석")
        verbose_name_plural = _("출석")
        constraints = [models.UniqueConstraint(fields=["session", "participant"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.participant_id}"


class Phase(models.TextChoices):
    BEFORE = "before", _("사전")
    AFTER = "after", _("사후")


class Measurement(ChoiceLabels, models.Model):
    """A participant's score on one instrument, before or after the programme; the answers are kept."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="measurements")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="measurements")
    phase = models.CharField(_("시점"), max_length=6, choices=Phase.choices)
    measured_on = models.DateField(_("측정일"))
    answers = models.JSONField(_("응답"), default=list)
    score = models.DecimalField(_("점수"), max_digits=6, decimal_places=1)
    measured_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("성과 측정")
        verbose_name_plural = _("성과 측정")
        ordering = ["participant_id", "instrument_id", "phase"]
        constraints = [models.UniqueConstraint(fields=["participant", "instrument", "phase"],
                                               name="measurement_unique_phase")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.instrument_id} {self.phase} {self.score}"
