"""Forms of the district admin's pages: staff accounts, and the field helpers of the settings sections the apps
register (``<app>/district_settings.py``).

They check the shape of the input (numbers, ranges, the password typed twice) and turn it into the services'
input; the rules themselves (which roles take dongs, password strength, unique usernames, the orderings of the
policies) live in the services, whose RuleError the views put beside the fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from .errors import RuleError
from .models import District, Dong, Role
from .services import NewStaff, StaffChanges

User = get_user_model()

ACTIVE_CHOICES = (("1", _("사용 중")), ("0", _("비활성")), ("all", _("전체")))


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("검색"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("역할"), required=False, choices=[("", _("전체")), *Role.choices])
    active = forms.ChoiceField(label=_("상태"), required=False, choices=ACTIVE_CHOICES)


class _MembershipFields(forms.Form):
    role = forms.ChoiceField(label=_("역할"), choices=Role.choices)
    dongs = forms.ModelMultipleChoiceField(
        label=_("담당 동"), required=False, queryset=Dong.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("동 담당 공무원과 팀장은 하나 이상 고르세요. 구 역할(기획 담당, 관리자)은 비워 두세요: 구 전체를 봅니다."),
    )
    personal_access = forms.BooleanField(
        label=_("개인정보 열람 허용"), required=False,
        help_text=_("구 기획 담당에게만 적용됩니다(기본은 집계만 열람). 다른 역할은 역할에 따라 정해집니다."),
    )

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        # Only this district's dongs: another district's id is "not a valid choice".
        self.fields["dongs"].queryset = Dong.objects.filter(district=district).order_by("name")


class StaffCreateForm(_MembershipFields):
    username = forms.CharField(
        label=_("아이디"), max_length=150, validators=[User.username_validator],
        help_text=_("로그인에 쓰는 아이디: 영문, 숫자와 @ . + - _ 만 쓸 수 있습니다."),
    )
    first_name = forms.CharField(label=_("이름"), max_length=150, help_text=_("성과 이름을 함께 적으세요. 예: 김민지"))
    email = forms.EmailField(label=_("이메일"), required=False, help_text=_("선택. 알림 메일을 받을 주소입니다."))
    password = forms.CharField(
        label=_("초기 비밀번호"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("시스템은 아무것도 보내지 않습니다. 정한 비밀번호는 본인에게 직접 알려 주세요. "
                    "비워 두면 비밀번호를 설정할 때까지 로그인할 수 없습니다."),
    )
    password_confirm = forms.CharField(
        label=_("초기 비밀번호 확인"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", "first_name", "email", "role", "dongs", "personal_access", "password",
                   "password_confirm"]

    def clean(self):
        data = super().clean()
        if (data.get("password") or "") != (data.get("password_confirm") or ""):
            self.add_error("password_confirm", _("두 비밀번호가 서로 다릅니다."))
        return data

    def to_input(self) -> NewStaff:
        data = self.cleaned_data
        return NewStaff(username=data["username"], first_name=data["first_name"], role=data["role"],
                        email=data.get("email") or "", password=data.get("password") or "",
                        dongs=tuple(data.get("dongs") or ()), personal_access=data.get("personal_access", False))


class StaffEditForm(_MembershipFields):
    first_name = forms.CharField(label=_("이름"), max_length=150)
    email = forms.EmailField(label=_("이메일"), required=False)
    is_active = forms.BooleanField(
        label=_("사용 중"), required=False,
        help_text=_("퇴직·전보한 직원은 지우지 말고 비활성으로 바꾸세요. 기록은 그대로 남고 로그인만 막힙니다."),
    )

    field_order = ["first_name", "email", "role", "dongs", "personal_access", "is_active"]

    def to_input(self) -> StaffChanges:
        data = self.cleaned_data
        return StaffChanges(first_name=data["first_name"], email=data.get("email") or "", role=data["role"],
                            dongs=tuple(data.get("dongs") or ()), personal_access=data.get("personal_access", False),
                            is_active=data.get("is_active", False))


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("새 비밀번호"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_confirm = forms.CharField(label=_("새 비밀번호 확인"), strip=False,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_confirm") and data["password"] != data["password_confirm"]:
            self.add_error("password_confirm", _("두 비밀번호가 서로 다릅니다."))
        return data


def password_help() -> str:
    return password_validators_help_text_html()


# Settings sections -------------------------------------------------------------------------------------------


def bounded_field(field: forms.Field, low: int, high: int, unit: str) -> forms.IntegerField:
    """A whole-number field from a model field, every error saying the one range it takes."""
    message = _("%(low)s%(unit)s에서 %(high)s%(unit)s 사이로 입력하세요.") % {
        "low": f"{low:,}", "high": f"{high:,}", "unit": unit}
    return forms.IntegerField(
        label=field.label, help_text=field.help_text, min_value=low, max_value=high,
        error_messages={"required": message, "invalid": message, "min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def apply_rules(form: forms.Form, data: dict, check: Callable[[Mapping[str, Any]], Any]) -> dict:
    """The service's own check (orderings, cap ≥ amount) once every field is a number in range, so the page and
    the Django admin show its messages beside the fields; the service runs it again when it saves."""
    if not form.errors:
        try:
            check(data)
        except RuleError as error:
            form.add_error(None, error)
    return data


class LoginForm(AuthenticationForm):
    """Django's login form with a plain Korean refusal (its own reads "사용자 이름와/과 비밀번호…")."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("아이디 또는 비밀번호가 맞지 않습니다. 대소문자와 한/영 전환을 확인하세요."),
        "inactive": _("사용이 중지된 계정입니다. 구 관리자에게 문의하세요."),
    }


class ExportReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("내려받는 사유"), max_length=200, error_messages={"required": _("내려받는 사유를 적으세요.")},
        help_text=_("예: 동 사례회의 자료, 월별 방문 계획. 사유는 접속기록에 남습니다."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
