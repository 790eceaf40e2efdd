"""Forms of the indicator catalogue page (구 설정 › 위기 지표): they turn a POST into the services' input; the rules
(unique names, codes, the lists) are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import RiskIndicator, RiskSignal
from ..services.indicators import IndicatorInput


class IndicatorForm(forms.Form):
    code = forms.CharField(label=_("코드"), required=False,
                           help_text=_("새 지표만: 영문 소문자·숫자·밑줄, 예: rent_arrears. 명단과 내보내기에 쓰여 바꿀 수 없습니다."))
    name_ko = forms.CharField(label=_("이름(한국어)"), required=False)
    name_en = forms.CharField(label=_("이름(영어)"), required=False)
    signal = forms.ChoiceField(label=_("위기 신호"), choices=RiskSignal.choices, initial=RiskSignal.OTHER,
                               help_text=_("이 지표의 대상자 제보에 붙는 위기 신호"))
    blind_spot = forms.BooleanField(label=_("복지사각지대 명단 지표"), required=False, initial=True)
    lonely_death = forms.BooleanField(label=_("고독사위기대응 명단 지표"), required=False)

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["code"]

    def to_input(self) -> IndicatorInput:
        data = self.cleaned_data
        return IndicatorInput(code=data.get("code", ""), name_ko=data["name_ko"], name_en=data["name_en"],
                              signal=data["signal"], blind_spot=data["blind_spot"], lonely_death=data["lonely_death"])


class AliasForm(forms.Form):
    name = forms.CharField(label=_("다른 이름"), required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("예: 재난적 의료비")}))


class MapForm(forms.Form):
    """An unknown name: map it to an indicator, or make it a new one (``code`` given)."""

    indicator = forms.ModelChoiceField(label=_("연결할 지표"), queryset=RiskIndicator.objects.order_by("name_ko"),
                                       required=False, empty_label=_("— 지표 고르기 —"))
    code = forms.CharField(label=_("새 지표 코드"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("indicator") and not (data.get("code") or "").strip():
            raise forms.ValidationError(_("연결할 지표를 고르거나, 새 지표로 만들려면 코드를 적으세요."))
        return data
