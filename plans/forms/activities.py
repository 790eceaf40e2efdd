"""Forms of the activity pages (trainings, awards, partnerships). They parse input; the rules live in
plans.services.activities (``problems``), shown here beside their fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.common.bounds import NOTE_TEXT, counter_attrs
from welfare.models import District, Dong

from ..models import AnnualPlan, Award, Partnership, Training
from ..services.activities import problems

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ActivityForm(forms.ModelForm):
    date_field = ""

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        plans = AnnualPlan.objects.filter(district=district, is_current=True).order_by("-year")
        self.fields["plan"].queryset = plans
        self.fields["plan"].required = False
        self.fields["plan"].label = _("연결할 계획")
        self.fields["plan"].empty_label = _("(연결 안 함)")
        self.fields[self.date_field].widget = DATE

    def clean(self):
        data = super().clean()
        checked = {name: data.get(name) for name in ("plan", "dong", "hours", "attendees") if name in self.fields}
        for name, message in problems(self.district, date_field=self.date_field, day=data.get(self.date_field),
                                      **checked).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    def _post_clean(self):  # the district is set by the service; it validates the instance
        pass


class TrainingForm(_ActivityForm):
    date_field = "held_on"

    class Meta:
        model = Training
        fields = ["title", "dong", "plan", "held_on", "hours", "audience", "attendees"]

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, district=district, **kwargs)
        self.fields["dong"].queryset = Dong.objects.filter(district=district).order_by("name")
        self.fields["dong"].empty_label = _("(구 전체)")
        self.fields["hours"].error_messages["invalid"] = _("교육 시간은 숫자로 적으세요.")
        self.fields["attendees"].error_messages["invalid"] = _("참석 인원은 숫자로 적으세요.")
        self.fields["attendees"].error_messages["min_value"] = _("참석 인원은 0명 이상이어야 합니다.")
        self.fields["dong"].error_messages["invalid_choice"] = _("우리 자치구의 행정동만 고를 수 있습니다.")


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
        widgets = {"scope": forms.Textarea(attrs=counter_attrs(NOTE_TEXT, rows=4))}


class YearFilterForm(forms.Form):
    year = forms.IntegerField(label=_("연도"), min_value=2000, max_value=2100, required=False)
