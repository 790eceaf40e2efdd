"""Forms of crisis reports. Input only: the report rules live in discovery.services (clean_report_data)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import CaseClass, Household
from plans.models import Resource
from welfare.models import DONG_ROLES, District, Dong, Role
from welfare.scoping import has_role, membership, personal_dong_ids
from welfare.templatetags.welfare_tags import person

from . import services
from .models import (
    AttemptMethod,
    Channel,
    CrisisReport,
    NetworkMember,
    ReporterKind,
    ReportOutcome,
    ReportStatus,
    RiskSignal,
    Urgency,
)

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DISTRICT_QUEUE = "district"
QUICK_OUTCOMES = (ReportOutcome.NO_NEED, ReportOutcome.DUPLICATE, ReportOutcome.REFERRED)
REPORTER_PREFIX = "reporter_"


def apply_rule_error(form: forms.Form, error: ValidationError, *, prefix: str = "") -> None:
    """Show a service's RuleError on the form: beside the field it names, else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = f"{prefix}{name}" if f"{prefix}{name}" in form.fields else (name if name in form.fields else None)
        for e in errors:
            if target is not None and target in form.errors and any(m in form.errors[target] for m in e.messages):
                continue
            form.add_error(target, e)


def dong_label(dong: Dong) -> str:
    return dong.name


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person(obj)


def assignable_staff(user):
    """Dong officials and leads of the user's dongs: whom the user may hand a report to."""
    return (get_user_model().objects.filter(staff__role__in=DONG_ROLES, staff__dongs__in=personal_dong_ids(user),
                                            is_active=True)
            .distinct().order_by("last_name", "first_name", "username"))


def my_dongs(user):
    return Dong.objects.filter(pk__in=personal_dong_ids(user)).select_related("district").order_by(
        "district__name", "name")


def sees_district_queue(user) -> bool:
    return has_role(user, Role.DISTRICT_ADMIN, Role.DONG_LEAD)


class _ReportFieldsForm(forms.Form):
    """The fields every report form shares (who the report is about), and validation through the service."""

    subject_name = forms.CharField(label=_("이름"), required=False, max_length=50)
    subject_address = forms.CharField(label=_("주소"), required=False, max_length=200,
                                      help_text=_("도로명주소를 알면 적어 주세요. 예: 왕십리로 123, 101동 1203호"))
    subject_phone = forms.CharField(label=_("연락처"), required=False, max_length=20,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    subject_description = forms.CharField(label=_("특징"), required=False, max_length=300,
                                          help_text=_("이름을 모를 때: 나이대, 사는 곳의 모습 등"),
                                          error_messages={"max_length": _("특징은 300자 이내로 적어 주세요.")})

    def clean_report(self, data: dict[str, Any]) -> None:
        try:
            clean = services.clean_report_data(data)
        except ValidationError as error:
            apply_rule_error(self, error)
        else:
            data.update(clean)
        try:
            data["reporter"] = services.clean_reporter(self.reporter_data(data))
        except ValidationError as error:
            apply_rule_error(self, error, prefix=REPORTER_PREFIX)

    @staticmethod
    def reporter_data(data: dict[str, Any]) -> dict[str, Any]:
        return {k[len(REPORTER_PREFIX):]: v for k, v in data.items() if k.startswith(REPORTER_PREFIX)}

    @property
    def subject_fields(self):
        return [self[name] for name in services.SUBJECT_FIELDS]


class ReportForm(_ReportFieldsForm):
    """A report an official takes: walk-in, phone, KakaoTalk, network member, referral..."""

    channel = forms.ChoiceField(label=_("접수 경로"), choices=[(c.value, c.label) for c in services.OFFICIAL_CHANNELS])
    dong = forms.ModelChoiceField(label=_("행정동"), queryset=Dong.objects.none(), required=False,
                                  empty_label=_("구 접수함 (동 미정)"))
    received_at = forms.DateTimeField(label=_("접수 일시"), widget=DATETIME_INPUT)
    urgency = forms.ChoiceField(label=_("긴급도"), choices=Urgency.choices, initial=Urgency.NORMAL,
                                widget=forms.RadioSelect,
                                help_text=_("긴급: 24시간 안에, 일반: 7일 안에 초기 접촉 (구 정책에 따라 다름)"))
    first_contact_due_at = forms.DateTimeField(label=_("초기 접촉 기한"), required=False, widget=DATETIME_INPUT,
                                               help_text=_("비워 두면 긴급도에 따라 자동으로 정합니다."))
    risk_signals = forms.MultipleChoiceField(label=_("위기 신호"), choices=RiskSignal.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    details = forms.CharField(label=_("내용"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
                              error_messages={"max_length": _("내용은 2000자 이내로 적어 주세요.")})
    referral_agency = forms.CharField(label=_("의뢰 기관"), required=False, max_length=100,
                                      help_text=_("기관 의뢰일 때: 경찰서, 병원, 학교 등"))
    reporter_kind = forms.ChoiceField(label=_("신고자 구분"), choices=ReporterKind.choices,
                                      initial=ReporterKind.ANONYMOUS)
    network_member = forms.ModelChoiceField(label=_("인적안전망 신고자"), queryset=NetworkMember.objects.none(),
                                            required=False, empty_label=_("(해당 없음)"))
    reporter_name = forms.CharField(label=_("신고자 성명"), required=False, max_length=50)
    reporter_phone = forms.CharField(label=_("신고자 연락처"), required=False, max_length=20,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    reporter_profession = forms.CharField(label=_("직업(신고의무자)"), required=False, max_length=100)
    reporter_relation = forms.CharField(label=_("대상자와의 관계"), required=False, max_length=50)
    reporter_is_relative = forms.BooleanField(label=_("친족"), required=False)
    reporter_is_official = forms.BooleanField(label=_("공무원"), required=False)
    reporter_wants_reply = forms.BooleanField(label=_("처리 결과 회신 희망"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["dong"].queryset = my_dongs(user)
        self.fields["dong"].required = not sees_district_queue(user)
        self.fields["dong"].label_from_instance = dong_label
        self.fields["network_member"].queryset = NetworkMember.objects.visible_to(user).active().order_by("name")
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
            dongs = list(self.fields["dong"].queryset[:2])
            if len(dongs) == 1:
                self.initial.setdefault("dong", dongs[0].pk)

    @property
    def reporter_fields(self):
        return [self[name] for name in self.fields if name.startswith(REPORTER_PREFIX)]

    def clean(self):
        data = super().clean()
        self.clean_report(data)
        member = data.get("network_member")
        if data.get("reporter_kind") == ReporterKind.NETWORK_MEMBER and member is None:
            self.add_error("network_member", _("신고한 인적안전망 구성원을 고르세요."))
        if data.get("reporter_kind") == ReporterKind.MANDATORY and not data.get("reporter_profession"):
            self.add_error("reporter_profession", _("신고의무자의 직업을 적어 주세요."))
        return data

    def district(self) -> District | None:
        dong = self.cleaned_data.get("dong")
        if dong is not None:
            return dong.district
        staff = membership(self.user)
        return staff.district if staff is not None else None

    def service_data(self) -> dict[str, Any]:
        keys = (*services.REPORT_FIELDS, "first_contact_due_at")
        return {k: self.cleaned_data.get(k) for k in keys}


class PublicReportForm(_ReportFieldsForm):
    """The public tip-off form: short, plain Korean, anonymous by default."""

    risk_signals = forms.MultipleChoiceField(label=_("어떤 어려움이 보이나요? (여러 개 고를 수 있어요)"),
                                             choices=RiskSignal.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    details = forms.CharField(label=_("내용"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
                              help_text=_("본 것, 들은 것을 편하게 적어 주세요. (2000자 이내)"),
                              error_messages={"max_length": _("내용은 2000자 이내로 적어 주세요.")})
    where = forms.ChoiceField(label=_("그분이 사는 동"), choices=(), error_messages={
        "required": _("동을 고르세요. 모르면 '잘 모르겠어요'를 고르세요.")})
    reporter_name = forms.CharField(label=_("이름"), required=False, max_length=50)
    reporter_phone = forms.CharField(label=_("연락처"), required=False, max_length=20,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    reporter_relation = forms.CharField(label=_("그분과의 관계"), required=False, max_length=50,
                                        help_text=_("예: 이웃, 집주인, 친구"))
    consent = forms.BooleanField(label=_("위 개인정보 수집·이용에 동의합니다."), required=False)
    # A field people never see (hidden by CSS): only robots fill it in.
    website = forms.CharField(label=_("웹사이트"), required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["where"].choices = self.where_choices()

    @staticmethod
    def where_choices() -> list:
        dongs = list(Dong.objects.select_related("district").order_by("district__name", "name"))
        districts = list(dict.fromkeys(d.district for d in dongs))
        unknown = _("잘 모르겠어요")
        choices: list = [("", _("— 고르세요 —"))]
        if len(districts) == 1:
            choices += [(f"dong:{d.pk}", d.name) for d in dongs]
            choices.append((f"{DISTRICT_QUEUE}:{districts[0].pk}", unknown))
            return choices
        for district in districts:
            group = [(f"dong:{d.pk}", d.name) for d in dongs if d.district_id == district.pk]
            group.append((f"{DISTRICT_QUEUE}:{district.pk}", f"{district.name} — {unknown}"))
            choices.append((district.name, group))
        return choices

    def clean_where(self) -> tuple[District, Dong | None]:
        kind, _sep, pk = self.cleaned_data["where"].partition(":")
        if kind == "dong":
            dong = Dong.objects.select_related("district").filter(pk=pk).first()
            if dong is not None:
                return dong.district, dong
        elif kind == DISTRICT_QUEUE:
            district = District.objects.filter(pk=pk).first()
            if district is not None:
                return district, None
        raise ValidationError(_("동을 고르세요. 모르면 '잘 모르겠어요'를 고르세요."))

    def clean(self):
        data = super().clean()
        if self.is_robot:
            return data
        self.clean_report(data)
        if data.get("reporter") and (data.get("reporter_name") or data.get("reporter_phone")) \
                and not data.get("consent"):
            self.add_error("consent", _("연락처를 남기시려면 개인정보 수집·이용에 동의해 주세요. "
                                        "동의하지 않으시면 이름과 연락처를 지우고 익명으로 제보할 수 있어요."))
        return data

    @property
    def is_robot(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def service_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in (*services.SUBJECT_FIELDS, "details", "risk_signals")}


class QueueFilterForm(forms.Form):
    MINE = "mine"
    status = forms.ChoiceField(label=_("상태"), required=False,
                               choices=[("", _("미처리 전체")), *ReportStatus.choices])
    channel = forms.ChoiceField(label=_("접수 경로"), required=False, choices=[("", _("전체")), *Channel.choices])
    urgency = forms.ChoiceField(label=_("긴급도"), required=False, choices=[("", _("전체")), *Urgency.choices])
    dong = forms.ChoiceField(label=_("접수함"), required=False)
    mine = forms.BooleanField(label=_("내 담당만"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("전체"))] + [(str(d.pk), d.name) for d in my_dongs(user)]
        if sees_district_queue(user):
            choices.append((DISTRICT_QUEUE, _("구 접수함 (동 미정)")))
        self.fields["dong"].choices = choices

    def filter(self, queryset, user):
        if not self.is_valid():
            return queryset.open()
        data = self.cleaned_data
        queryset = queryset.filter(status=data["status"]) if data["status"] else queryset.open()
        if data["channel"]:
            queryset = queryset.filter(channel=data["channel"])
        if data["urgency"]:
            queryset = queryset.filter(urgency=data["urgency"])
        if data["dong"] == DISTRICT_QUEUE:
            queryset = queryset.filter(dong__isnull=True)
        elif data["dong"]:
            queryset = queryset.filter(dong_id=int(data["dong"]))
        if data["mine"]:
            queryset = queryset.filter(assigned_official=user)
        return queryset

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(k) for k in self.fields)


class AssignForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={
        "required": _("배정할 제보를 하나 이상 고르세요.")})
    to_user = StaffChoiceField(label=_("담당자"), queryset=None, empty_label=_("— 담당자 —"))
    dong = forms.ModelChoiceField(label=_("구 접수함 제보의 동"), queryset=Dong.objects.none(), required=False,
                                  empty_label=_("(담당자의 동)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = assignable_staff(user)
        self.fields["dong"].queryset = my_dongs(user)
        self.fields["dong"].label_from_instance = dong_label

    def full_clean(self):
        # The ids are checked against what the user may see by the service, not by a list of choices here.
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else self.data.get("ids", [])
        self.fields["ids"].choices = [(v, v) for v in raw if str(v).isdigit()]
        super().full_clean()


class QuickResolveForm(forms.Form):
    """The one-click outcomes from a queue row; the reason is required for each of them."""

    outcome = forms.ChoiceField(label=_("처리 결과"), choices=[(o.value, o.label) for o in QUICK_OUTCOMES])
    reason = forms.CharField(label=_("사유"), max_length=500,
                             error_messages={"required": _("사유를 적어 주세요.")})
    duplicate_code = forms.CharField(label=_("원래 제보 접수번호"), required=False, max_length=16)


class AttemptForm(forms.Form):
    method = forms.ChoiceField(label=_("방법"), choices=AttemptMethod.choices)
    reached = forms.BooleanField(label=_("연락 닿음"), required=False)
    at = forms.DateTimeField(label=_("일시"), widget=DATETIME_INPUT)
    note = forms.CharField(label=_("메모"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("처리 결과"), choices=[("", _("— 고르세요 —")), *ReportOutcome.choices])
    reason = forms.CharField(label=_("사유"), required=False, max_length=500,
                             help_text=_("비대상·소재 미확인·중복·타기관 의뢰일 때 필수"))
    client = forms.ModelChoiceField(label=_("사례 대상자"), queryset=None, required=False,
                                    empty_label=_("— 사례 접수일 때 —"),
                                    help_text=_("개인정보 수집·이용 동의를 받은 현재 가구원"))
    case_class = forms.ChoiceField(label=_("사례 구분"), choices=CaseClass.choices, initial=CaseClass.GENERAL)
    resource = forms.ModelChoiceField(label=_("연계 자원"), queryset=None, required=False,
                                      empty_label=_("— 단순 연계일 때 —"))
    duplicate_code = forms.CharField(label=_("원래 제보 접수번호"), required=False, max_length=16,
                                     help_text=_("중복일 때"))
    handoff_note = forms.CharField(label=_("사실조사 인계 메모"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 3}), help_text=_("소재 미확인일 때 필수"))

    def __init__(self, *args, report: CrisisReport, user, **kwargs):
        super().__init__(*args, **kwargs)
        household: Household | None = report.household
        residents = household.residents.current().prefetch_related("consents") if household else None
        from households.models import Resident

        self.fields["client"].queryset = residents if residents is not None else Resident.objects.none()
        self.fields["client"].label_from_instance = self._client_label
        dong_id = report.dong_id or (household.dong_id if household else None)
        resources = Resource.objects.filter(district_id=report.district_id, is_active=True)
        if dong_id:
            resources = resources.serving(dong_id)
        self.fields["resource"].queryset = resources.order_by("sector", "name")

    @staticmethod
    def _client_label(resident) -> str:
        consented = any(c.scope == "collect_use" and c.is_active for c in resident.consents.all())
        label = f"{resident.name} ({resident.get_relation_display()})"
        return label if consented else f"{label} — {_('수집·이용 동의 없음')}"


class MergeForm(forms.Form):
    survivor = forms.ChoiceField(label=_("남길 세대"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("병합 사유"), max_length=300,
                             widget=forms.TextInput(attrs={"placeholder": _("예: 같은 주소·같은 가구원으로 중복 등록")}))

    def __init__(self, *args, a: Household, b: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [(str(a.pk), f"#{a.pk} {a.full_address}"),
                                           (str(b.pk), f"#{b.pk} {b.full_address}")]

