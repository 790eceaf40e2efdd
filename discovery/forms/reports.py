"""Discovery forms: reports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare import search
from welfare.common.requests import given_id
from welfare.errors import show_on_form
from welfare.models import Dong

from .. import services
from ..models import (
    NetworkMember,
    ReporterKind,
    RiskSignal,
    Urgency,
)
from ..selectors import network_member_condition, reporting_members
from .common import (
    DATETIME_INPUT,
    DISTRICT_QUEUE,
    REPORTER_PREFIX,
    dong_label,
    my_dongs,
    sees_district_queue,
)


class _ReportFieldsForm(forms.Form):
    """The fields every report form shares (who the report is about); the rules are the services'."""

    subject_name = forms.CharField(label=_("이름"), required=False, max_length=50)
    subject_address = forms.CharField(label=_("주소"), required=False, max_length=200,
                                      help_text=_("도로명주소를 알면 적어 주세요. 예: 왕십리로 123, 101동 1203호"))
    subject_phone = forms.CharField(label=_("연락처"), required=False, max_length=20,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    subject_description = forms.CharField(label=_("특징"), required=False, max_length=300,
                                          help_text=_("이름을 모를 때: 나이대, 사는 곳의 모습 등"),
                                          error_messages={"max_length": _("특징은 300자 이내로 적어 주세요.")})

    @staticmethod
    def reporter_data(data: dict[str, Any]) -> dict[str, Any]:
        return {k[len(REPORTER_PREFIX):]: v for k, v in data.items() if k.startswith(REPORTER_PREFIX)}

    def reporter_input(self) -> services.ReporterInput:
        reporter = self.reporter_data(self.cleaned_data)
        return services.ReporterInput(**{k: reporter[k] for k in services.REPORTER_FIELDS
                                         if reporter.get(k) is not None})

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
                              widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000, "data-counter": ""}),
                              error_messages={"max_length": _("내용은 2000자 이내로 적어 주세요.")})
    referral_agency = forms.CharField(label=_("의뢰 기관"), required=False, max_length=100,
                                      help_text=_("기관 의뢰일 때: 경찰서, 병원, 학교 등"))
    reporter_kind = forms.ChoiceField(label=_("신고자 구분"), choices=ReporterKind.choices,
                                      initial=ReporterKind.ANONYMOUS)
    network_member = forms.ModelChoiceField(label=_("인적안전망 신고자"), queryset=NetworkMember.objects.none(),
                                            required=False, empty_label=_("(해당 없음)"))
    member_find = forms.CharField(  # no max_length: search.parse cuts what is longer, a refusal would block the report
        label=_("인적안전망 구성원 찾기"), required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "maxlength": search.MAX_LENGTH,
                                      "placeholder": _("이름, 소속 또는 전화번호")}))
    member_searched = forms.CharField(required=False, widget=forms.HiddenInput)  # what the list shows was found by
    reporter_name = forms.CharField(label=_("신고자 성명"), required=False, max_length=50)
    reporter_phone = forms.CharField(label=_("신고자 연락처"), required=False, max_length=20,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    reporter_profession = forms.CharField(label=_("직업(신고의무자)"), required=False, max_length=100)
    reporter_relation = forms.CharField(label=_("대상자와의 관계"), required=False, max_length=50)
    reporter_is_relative = forms.BooleanField(label=_("친족"), required=False)
    reporter_is_official = forms.BooleanField(label=_("공무원"), required=False)
    reporter_wants_reply = forms.BooleanField(label=_("처리 결과 회신 희망"), required=False)

    def __init__(self, *args, user, find: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.find = search.parse(self.data.get("member_find") if find is None else find)
        self.fields["dong"].queryset = my_dongs(user)
        self.fields["dong"].required = not sees_district_queue(user)
        self.fields["dong"].label_from_instance = dong_label
        self.fields["network_member"].queryset = reporting_members(user)
        self.members = MemberChoices(self)
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
            dongs = list(self.fields["dong"].queryset[:2])
            if len(dongs) == 1:
                self.initial.setdefault("dong", dongs[0].pk)

    @staticmethod
    def finding_member(data) -> bool:
        """The POST asks to find a network member rather than to take the report: the 찾기 button, or Enter in the
        search box (the form's first button is 접수, so a search text not yet searched tells the two apart)."""
        find = " ".join(data.get("member_find", "").split())
        return "member_find_go" in data or (find != "" and find != " ".join(data.get("member_searched", "").split()))

    @classmethod
    def redrawn(cls, data, *, user) -> ReportForm:
        """The form as typed but unbound (nothing is refused before it is finished), its member list the search's.
        Every value is read through its widget, as a bound form reads it."""
        initial = {name: field.widget.value_from_datadict(data, {}, name) for name, field in cls.base_fields.items()}
        initial["member_searched"] = initial["member_find"] = " ".join((initial["member_find"] or "").split())
        return cls(initial=initial, user=user, find=initial["member_find"])

    @property
    def reporter_fields(self):
        """The reporter's own details; their kind is drawn before the network member, apart from these."""
        return [self[name] for name in self.fields if name.startswith(REPORTER_PREFIX) and name != "reporter_kind"]

    def report_input(self) -> services.ReportInput:
        """The form's fields as the service's input (the rules are services.report_take's)."""
        data = self.cleaned_data
        return services.ReportInput(
            channel=data["channel"], dong=getattr(data.get("dong"), "pk", None), received_at=data["received_at"],
            urgency=data.get("urgency") or Urgency.NORMAL, first_contact_due_at=data.get("first_contact_due_at"),
            risk_signals=tuple(data.get("risk_signals") or ()), reporter_kind=data["reporter_kind"],
            network_member=getattr(data.get("network_member"), "pk", None),
            reporter=self.reporter_input(),
            **{k: data.get(k) or "" for k in (*services.SUBJECT_FIELDS, "details", "referral_agency")},
        )


MEMBERS_LISTED = 150  # a dong's network (about 100) is listed whole; a district's thousands are searched
MEMBERS_FOUND = 20


def member_label(member: NetworkMember) -> str:
    organisation = f" · {member.organisation}" if member.organisation else ""
    return f"{member.name} ({member.get_role_display()}{organisation})"


class MemberChoices:
    """The options of the report form's network member select: every member the user may name when they are few
    (a dong's network), else only those the search box found (a district's 2,000 made one select of over 100 KB);
    the chosen member always. Its message (the field's help) says which, and what to do."""

    def __init__(self, form: ReportForm) -> None:
        field = form.fields["network_member"]
        members = field.queryset
        find = form.find
        self.found: list[NetworkMember] | None = None
        self.more = self.too_many = False
        if find.text:
            condition = network_member_condition(find)
            found = list(members.filter(condition)[:MEMBERS_FOUND + 1]) if condition is not None else []
            self.more = len(found) > MEMBERS_FOUND
            listed = self.found = found[:MEMBERS_FOUND]
            self.too_short = condition is None
        else:
            listed = list(members[:MEMBERS_LISTED + 1])
            self.too_many = len(listed) > MEMBERS_LISTED
            self.too_short = False
            if self.too_many:
                listed = []
        value = given_id(form.data.get(form.add_prefix("network_member")) if form.is_bound
                         else form.initial.get("network_member"))
        chosen = None
        if value and all(m.pk != value for m in listed):
            chosen = members.filter(pk=value).first()
        if chosen is not None:
            listed = [chosen, *listed]
        elif not form.is_bound and not value and self.found is not None and len(self.found) == 1:
            form.initial["network_member"] = self.found[0].pk  # the one found is the one meant
        field.choices = [("", field.empty_label), *((m.pk, member_label(m)) for m in listed)]
        field.help_text = self.message(find.text)

    def message(self, find: str) -> str:
        if self.too_short:
            return _("이름은 두 글자, 전화번호는 세 자리 이상 적어 찾으세요.")
        if self.found is not None:
            if not self.found:
                return _("'%(find)s'(으)로 찾은, 오늘 활동 중인 구성원이 없습니다.") % {"find": find}
            if self.more:
                return _("'%(find)s'(으)로 찾은 구성원 중 처음 %(n)s명입니다. 더 자세히 적어 찾으세요.") % {
                    "find": find, "n": len(self.found)}
            return _("'%(find)s'(으)로 찾은 구성원 %(n)s명입니다.") % {"find": find, "n": len(self.found)}
        if self.too_many:
            return _("구성원이 %(n)s명이 넘어 목록에 다 싣지 않습니다. 아래에서 이름, 소속 또는 전화번호로 찾아 고르세요.") % {
                "n": MEMBERS_LISTED}
        return _("목록에 없으면 아래에서 이름, 소속 또는 전화번호로 찾으세요.")


class PublicReportForm(_ReportFieldsForm):
    """The public tip-off form: short, plain Korean, anonymous by default."""

    # The business of the memo pad or poster whose QR code opened the form (issue 17); unknown tokens count nothing.
    src = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    risk_signals = forms.MultipleChoiceField(label=_("어떤 어려움이 보이나요? (여러 개 고를 수 있어요)"),
                                             choices=RiskSignal.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    details = forms.CharField(label=_("내용"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000, "data-counter": ""}),
                              help_text=_("본 것, 들은 것을 편하게 적어 주세요. (2000자 이내)"),
                              error_messages={"max_length": _("내용은 2000자 이내로 적어 주세요.")})
    # Checked by the service with the rest (a missing dong and a missing subject are told together).
    where = forms.ChoiceField(label=_("그분이 사는 동"), choices=(), required=False,
                              widget=forms.Select(attrs={"required": True}))
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

    def report_input(self) -> services.PublicReportInput:
        """The form's fields as the service's input (the rules are services.report_submit_public's)."""
        data = self.cleaned_data
        kind, _sep, pk = (data.get("where") or "").partition(":")
        where = {"dong": int(pk)} if kind == "dong" and pk.isdigit() else (
            {"district": int(pk)} if kind == DISTRICT_QUEUE and pk.isdigit() else {})
        return services.PublicReportInput(
            **where, risk_signals=tuple(data.get("risk_signals") or ()), reporter=self.reporter_input(),
            consent=bool(data.get("consent")), source_token=data.get("src") or "",
            **{k: data.get(k) or "" for k in (*services.SUBJECT_FIELDS, "details")},
        )

    def add_rule_error(self, error: ValidationError) -> None:
        """The service's error on the form: its ``dong`` is the form's ``where``."""
        if hasattr(error, "error_dict"):
            error = ValidationError({("where" if name == "dong" else name): errors
                                     for name, errors in error.error_dict.items()})
        show_on_form(self, error)

    @property
    def is_robot(self) -> bool:
        return bool((self.data.get("website") or "").strip())
