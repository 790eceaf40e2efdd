from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.common import phones
from welfare.common.bounds import NOTE_TEXT, counter_attrs
from welfare.models import Dong

from .. import rrn
from ..models import Area, Household, Resident, RiskLevel, SensitiveProfile
from ..services.households import household_problems, sensitive_problems


def add_problems(form: forms.Form, problems: dict[str, list[str]]) -> None:
    """A service's plausibility problems beside the form's fields (the service refuses the same input with the
    same sentences, which is what the API answers)."""
    for name, messages in problems.items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, messages)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "dong", "road_address", "address_detail", "postal_code", "housing_type",
            "is_single_person", "is_elderly_only", "is_single_parent", "is_grandparent_headed",
            "has_disabled_member", "has_young_carer", "benefit_status", "risk_level", "status", "next_contact_on",
            "area", "ban",
        ]
        widgets = {"next_contact_on": DATE_INPUT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's own dongs can be chosen; any other id is "not a valid choice".
        self.fields["dong"].queryset = Dong.objects.visible_to(user).select_related("district")
        self.fields["dong"].label_from_instance = lambda d: f"{d.district.name} {d.name}"
        self.fields["benefit_status"].required = False
        self.fields["dong"].error_messages["invalid_choice"] = _("선택할 수 없는 동입니다. 담당 동 가운데에서 고르세요.")
        # The 통s of the user's dongs; empty: the service finds it from the address with the 통s' street lists.
        self.fields["area"].queryset = Area.objects.visible_to(user).select_related("dong")
        self.fields["area"].label_from_instance = lambda a: f"{a.dong.name} {a.label}"
        self.fields["area"].empty_label = _("주소로 찾기 (모르면 비워 두세요)")
        self.fields["ban"].widget.attrs.update({"min": 1, "max": 99})
        # 긴급 is set and cleared with its own action on the household page (a reason, audited, due today).
        if self.instance.risk_level == RiskLevel.EMERGENCY and self.instance.pk:
            self.fields["risk_level"].disabled = True
        else:
            self.fields["risk_level"].choices = [c for c in self.fields["risk_level"].choices
                                                 if c[0] != RiskLevel.EMERGENCY]

    def clean_benefit_status(self) -> str:
        return self.cleaned_data.get("benefit_status") or "none"

    def clean_road_address(self) -> str:
        value = " ".join(self.cleaned_data["road_address"].split())
        if not value:
            raise ValidationError(_("도로명주소를 입력하세요."))
        return value

    def clean(self):
        data = super().clean()
        add_problems(self, household_problems(data))
        return data

    def clean_postal_code(self) -> str:
        value = self.cleaned_data["postal_code"].strip()
        if value and (not value.isdigit() or len(value) != 5):
            raise ValidationError(_("우편번호는 숫자 5자리입니다."))
        return value


class ResidentForm(forms.ModelForm):
    rrn = forms.CharField(
        label=_("주민등록번호"), required=False, max_length=20,
        help_text=_("선택 입력. 법령상 근거가 있을 때만 받습니다. 암호화해 저장하고 가려서 보여 줍니다."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "placeholder": "000000-0000000"}),
    )

    class Meta:
        model = Resident
        fields = ["name", "relation", "birth_date", "sex", "phone", "moved_in_on"]
        widgets = {"birth_date": DATE_INPUT, "moved_in_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.rrn_hash:
            self.fields["rrn"].help_text = _("등록됨: %(masked)s. 바꿀 때만 입력하세요.") % {
                "masked": self.instance.rrn_masked
            }

    def clean_name(self) -> str:
        value = " ".join(self.cleaned_data["name"].split())
        if not value:
            raise ValidationError(_("성명을 입력하세요."))
        return value

    def clean_phone(self) -> str:
        value = phones.digits(self.cleaned_data["phone"])
        if value and not phones.is_valid(value):
            raise ValidationError(_("전화번호 형식이 올바르지 않습니다. 예: 010-0123-4567"))
        return value

    def clean_rrn(self) -> str:
        raw = self.cleaned_data["rrn"]
        return rrn.normalize(raw) if raw.strip() else ""

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value and value > timezone.localdate():
            raise ValidationError(_("생년월일이 미래입니다."))
        return value

    def clean(self):
        data = super().clean()
        number = data.get("rrn")
        if number:
            born, sex = rrn.birth_date(number), rrn.sex(number)
            if data.get("birth_date") and data["birth_date"] != born:
                self.add_error("rrn", _("주민등록번호의 생년월일이 입력한 생년월일과 다릅니다."))
            elif not data.get("birth_date"):
                data["birth_date"] = born
            if data.get("sex") and data["sex"] != sex:
                self.add_error("rrn", _("주민등록번호의 성별 자리가 입력한 성별과 다릅니다."))
            elif not data.get("sex"):
                data["sex"] = sex
        return data


class HeadForm(ResidentForm):
    """The head of household, entered together with a new household."""

    prefix = "head"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].initial = "head"
        self.fields["relation"].widget = forms.HiddenInput()


class SensitiveProfileForm(forms.ModelForm):
    class Meta:
        model = SensitiveProfile
        fields = ["physical_health", "mental_health", "disability_type", "disability_severity", "addiction"]
        widgets = {f: forms.Textarea(attrs=counter_attrs(NOTE_TEXT, rows=3))
                   for f in ("physical_health", "mental_health", "addiction")}

    def clean(self):
        data = super().clean()
        add_problems(self, sensitive_problems(data))
        return data


OTHER_REASON = "other"
REVEAL_REASONS = [
    ("", _("사유를 고르세요")),
    ("본인 확인", _("본인 확인")),
    ("급여 신청", _("급여 신청")),
    ("사실 조사", _("사실 조사")),
    ("긴급 지원", _("긴급 지원")),
    (OTHER_REASON, _("기타(직접 입력)")),
]


class RevealForm(forms.Form):
    """A reason from the list, or written (at least 5 characters; the service checks it). Both: the list's
    reason with the written detail."""

    preset = forms.ChoiceField(label=_("확인 사유"), choices=REVEAL_REASONS, required=False)
    reason = forms.CharField(
        label=_("사유 직접 입력 또는 자세히"), max_length=250, required=False,
        help_text=_("접근 기록에 남습니다. 예: 긴급복지 신청서 작성"),
    )

    def reason_text(self) -> str:
        preset = self.cleaned_data.get("preset") or ""
        written = (self.cleaned_data.get("reason") or "").strip()
        if preset and preset != OTHER_REASON:
            return f"{preset}: {written}" if written else preset
        return written
