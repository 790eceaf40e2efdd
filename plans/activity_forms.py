"""Forms of the activity pages (trainings, awards, partnerships). They parse and check input; the rules live in
plans.activity_services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.models import Dong

from .activity_services import MAX_HOURS, latest_date
from .models import AnnualPlan, Award, Partnership, Training

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ActivityForm(forms.ModelForm):
    date_field = ""

    def __init__(self, *args, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        plans = AnnualPlan.objects.filter(district=district, is_current=True).order_by("-year")
        self.fields["plan"].queryset = plans
        self.fields["plan"].required = False
        self.fields["plan"].label = _("연결할 계획")
        self.fields["plan"].empty_label = _("(연결 안 함)")
        self.fields[self.date_field].widget = DATE

    def clean(self):
        data = super().clean()
        day = data.get(self.date_field)
        if day is not None and day > latest_date():
            self.add_error(self.date_field, _("날짜는 오늘부터 1년 이내여야 합니다."))
        return data

    def _post_clean(self):  # the district is set by the service; it validates the instance
        pass


class TrainingForm(_ActivityForm):
    date_field = "held_on"

    class Meta:
        model = Training
        fields = ["title", "dong", "plan", "held_on", "hours", "audience", "attendees"]

    def __init__(self, *args, district=None, **kwargs):
        super().__init__(*args, district=district, **kwargs)
        self.fields["dong"].queryset = Dong.objects.filter(district=district).order_by("name")
        self.fields["dong"].empty_label = _("(구 전체)")
        self.fields["hours"].error_messages["invalid"] = _("교육 시간은 숫자로 적으세요.")
        self.fields["attendees"].error_messages["invalid"] = _("참석 인원은 숫자로 적으세요.")
        self.fields["attendees"].error_messages["min_value"] = _("참석 인원은 0명 이상이어야 합니다.")
        self.fields["dong"].error_messages["invalid_choice"] = _("우리 자치구의 행정동만 고를 수 있습니다.")

    def clean_hours(self):
        hours = self.cleaned_data.get("hours")
        if hours is not None and not (0 < hours <= MAX_HOURS):
            raise forms.ValidationError(_("교육 시간은 0시간보다 길고 24시간 이하여야 합니다."))
        return hours

    def clean_attendees(self):
        attendees = self.cleaned_data.get("attendees")
        if attendees is not None and attendees < 0:
            raise forms.ValidationError(_("참석 인원은 0명 이상이어야 합니다."))
        return attendees


class AwardForm(_ActivityForm):
    date_field = "awarded_on"

    class Meta:
        model = Award
        fields = ["recipient", "recipient_kind", "title", "plan", "awarded_on"]


class PartnershipForm(_ActivityForm):
    date_field = "signed_on"

    class Meta:
        model = Partnership
        fields = ["partner", "signed_on", "scope", "plan"]
        widgets = {"scope": forms.Textarea(attrs={"rows": 4})}


class YearFilterForm(forms.Form):
    year = forms.IntegerField(label=_("연도"), min_value=2000, max_value=2100, required=False)
