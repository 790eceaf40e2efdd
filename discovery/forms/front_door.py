"""The public door's two forms (issue 20): "이웃이 걱정돼요 (이웃)" (the tip-off form, now with crisis kinds, a
routed address, a photo and progress messages) and "도움이 필요해요 (나)" (a request for oneself). The forms only
translate; the rules are discovery.services.front_door's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import CrisisType, HouseholdKind, RequestKind
from .reports import PublicReportForm

PHOTO_ACCEPT = "image/jpeg,image/png,image/heic,image/heif"


def _photo_field() -> forms.FileField:
    return forms.FileField(
        label=_("사진 (선택)"),
        required=False,
        help_text=_("상황을 보여 주는 사진이 있으면 올려 주세요. 위치 정보는 지우고 안전하게 보관해요."),
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )


def _crisis_field(label) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=CrisisType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class NeighbourReportForm(PublicReportForm):
    """이웃이 걱정돼요: anonymous unless the reporter leaves a name or phone."""

    door = RequestKind.NEIGHBOUR
    crisis_types = _crisis_field(_("어떤 도움이 필요해 보이나요? (여러 개 고를 수 있어요)"))
    notify = forms.BooleanField(label=_("진행 상황을 문자로 받을게요 (연락처를 적은 경우)"), required=False)
    photo = _photo_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_address"].widget.attrs.update(
            {"list": "address-suggestions", "autocomplete": "off", "data-address-suggest": ""}
        )
        self.fields["where"].widget.attrs.pop("required", None)
        self.fields["where"].help_text = _(
            "주소를 적으면 동을 자동으로 찾아요. 모르면 '잘 모르겠어요'를 고르세요."
        )

    def report_input(self) -> services.PublicReportInput:
        base = super().report_input()
        data = self.cleaned_data
        return services.PublicReportInput(
            **{
                **base.__dict__,
                "kind": RequestKind.NEIGHBOUR,
                "crisis_types": tuple(data.get("crisis_types") or ()),
                "notify": bool(data.get("notify")),
                "photo": data.get("photo") or None,
            }
        )


class SelfRequestForm(PublicReportForm):
    """도움이 필요해요: who you are, your household, what you need, where you live."""

    door = RequestKind.SELF
    birth_date = forms.DateField(
        label=_("생년월일"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )
    rrn = forms.CharField(
        label=_("주민등록번호 (선택)"),
        required=False,
        max_length=20,
        help_text=_("적으시면 지원 확인이 빨라져요. 암호화해서 보관해요."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    household_kind = forms.ChoiceField(
        label=_("가구 형태"), required=False, choices=[("", _("— 고르세요 —")), *HouseholdKind.choices]
    )
    crisis_types = _crisis_field(_("어떤 도움이 필요하세요? (여러 개 고를 수 있어요)"))
    notify = forms.BooleanField(label=_("진행 상황을 문자로 받을게요"), required=False, initial=True)
    photo = _photo_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_name"].label = _("이름")
        self.fields["subject_phone"].label = _("휴대전화 번호")
        self.fields["subject_address"].label = _("사는 곳 주소")
        self.fields["subject_address"].widget.attrs.update(
            {"list": "address-suggestions", "autocomplete": "off", "data-address-suggest": ""}
        )
        self.fields["where"].label = _("사는 동")
        self.fields["where"].widget.attrs.pop("required", None)
        self.fields["where"].help_text = _(
            "주소를 적으면 동을 자동으로 찾아요. 모르면 '잘 모르겠어요'를 고르세요."
        )
        self.fields["details"].label = _("하고 싶은 말")
        self.fields["details"].help_text = _("지금 어떤 점이 어려운지 편하게 적어 주세요. (2000자 이내)")
        self.fields["consent"].label = _("개인정보 수집·이용에 동의합니다. (꼭 필요해요)")
        for name in (
            "subject_description",
            "risk_signals",
            "reporter_name",
            "reporter_phone",
            "reporter_relation",
        ):
            del self.fields[name]

    @property
    def subject_fields(self):
        return [
            self[name] for name in ("subject_name", "birth_date", "subject_phone", "rrn", "household_kind")
        ]

    def report_input(self) -> services.PublicReportInput:
        data = self.cleaned_data
        kind, _sep, pk = (data.get("where") or "").partition(":")
        where = (
            {"dong": int(pk)}
            if kind == "dong" and pk.isdigit()
            else ({"district": int(pk)} if kind == "district" and pk.isdigit() else {})
        )
        return services.PublicReportInput(
            **where,
            kind=RequestKind.SELF,
            subject_name=data.get("subject_name") or "",
            subject_phone=data.get("subject_phone") or "",
            subject_address=data.get("subject_address") or "",
            details=data.get("details") or "",
            birth_date=data.get("birth_date"),
            rrn=data.get("rrn") or "",
            household_kind=data.get("household_kind") or "",
            crisis_types=tuple(data.get("crisis_types") or ()),
            consent=bool(data.get("consent")),
            notify=bool(data.get("notify")),
            photo=data.get("photo") or None,
            source_token=data.get("src") or "",
        )


class StatusForm(forms.Form):
    code = forms.CharField(
        label=_("접수번호"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    secret = forms.CharField(
        label=_("비밀번호 6자리 또는 적어 주신 휴대전화 번호"),
        max_length=20,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class NetworkLookForm(forms.Form):
    """살펴봐 주세요: which network member of the dong gets the text, and a short note (no names)."""

    member = forms.ModelChoiceField(
        label=_("인적안전망 구성원"), queryset=None, empty_label=_("— 고르세요 —")
    )
    note = forms.CharField(
        label=_("메모 (이름·번지 없이)"),
        required=False,
        max_length=60,
        help_text=_("예: 며칠째 불이 꺼져 있어요. 문 앞을 한번 봐 주세요."),
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = services.network_members_for(report)


FORMS = {RequestKind.NEIGHBOUR: NeighbourReportForm, RequestKind.SELF: SelfRequestForm}
