"""Forms of the per-dong discovery plan page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ActionStatus, FocusArea, FocusKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DongPlanSummaryForm(forms.Form):
    summary = forms.CharField(label=_("추진 방향"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FocusAreaForm(forms.Form):
    kind = forms.ChoiceField(label=_("유형"), choices=FocusKind.choices)
    name = forms.CharField(label=_("이름·위치"), max_length=200)
    households = forms.IntegerField(label=_("추정 가구 수"), min_value=0, initial=0)
    note = forms.CharField(label=_("메모"), max_length=300, required=False)


class ActionForm(forms.Form):
    title = forms.CharField(label=_("추진 내용"), max_length=200)
    focus_area = forms.ModelChoiceField(label=_("중점 지역"), queryset=FocusArea.objects.none(), required=False)
    starts_on = forms.DateField(label=_("시작일"), widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("완료 예정일"), widget=DATE_WIDGET)
    owner = forms.CharField(label=_("담당"), max_length=100)
    status = forms.ChoiceField(label=_("상태"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED)

    def __init__(self, *args, focus_areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = FocusArea.objects.filter(pk__in=[a.pk for a in focus_areas])
