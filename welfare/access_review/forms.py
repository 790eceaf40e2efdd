"""The review page's forms: the filters, marking a month, the export's reason. They only translate input."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.models import AccessAction, District, Dong

from .selectors import Filters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    start = forms.DateField(label=_("시작일"), required=False, widget=DATE)
    end = forms.DateField(label=_("종료일"), required=False, widget=DATE)
    person = forms.CharField(label=_("정보주체"), required=False, max_length=100,
                             help_text=_("세대 번호 또는 대상 이름·주소 일부"))
    account = forms.CharField(label=_("계정"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("행위"), required=False, choices=[("", _("전체")), *AccessAction.choices])
    dong = forms.ModelChoiceField(label=_("동"), required=False, queryset=Dong.objects.none(),
                                  empty_label=_("전체"))
    unusual = forms.BooleanField(label=_("이상 징후만"), required=False)

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        dong_field = self.fields["dong"]
        assert isinstance(dong_field, forms.ModelChoiceField)
        dong_field.queryset = Dong.objects.filter(district=district).order_by("name")

    def clean(self):
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("종료일이 시작일보다 빠릅니다."))
        return data

    def filters(self) -> Filters:
        """The filters asked for; by default this month up to today (Seoul)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        today = timezone.localdate()
        start = data.get("start") or today.replace(day=1)
        end = data.get("end") or max(today, start)
        return Filters(start=start, end=end, person=data.get("person") or "", account=data.get("account") or "",
                       action=data.get("action") or "", dong=data.get("dong"), unusual_only=bool(data.get("unusual")))


class MonthField(forms.DateField):
    input_formats = ["%Y-%m"]


class ReviewForm(forms.Form):
    month = MonthField(label=_("검토 월"), widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    comment = forms.CharField(label=_("검토 의견"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("예: 업무시간 외 열람 3건 담당자 확인, 이상 없음"))


class ExportForm(forms.Form):
    reason = forms.CharField(label=_("내려받는 사유"), max_length=300,
                             help_text=_("접근 기록에 남습니다. 예: 2026년 11월 정기 점검 보고"))


def previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
