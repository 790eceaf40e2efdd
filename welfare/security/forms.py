"""Input of the security pages: shape only; the rules are in ``welfare.services.accounts``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("인증 코드"), max_length=12, strip=True,
        help_text=_("휴대전화 인증 앱(Google Authenticator, Microsoft Authenticator 등)에 보이는 6자리 숫자"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9 ]*", "autofocus": True}),
    )


class OwnPasswordForm(forms.Form):
    old_password = forms.CharField(label=_("현재 비밀번호"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password", "autofocus": True}))
    new_password = forms.CharField(label=_("새 비밀번호"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    new_password_confirm = forms.CharField(label=_("새 비밀번호 확인"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password_confirm") \
                and data["new_password"] != data["new_password_confirm"]:
            self.add_error("new_password_confirm", _("두 비밀번호가 서로 다릅니다."))
        return data


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(choices=[("username", _("계정")), ("ip", _("주소"))], widget=forms.HiddenInput)
    value = forms.CharField(max_length=150, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("사유"), max_length=300, required=False)
