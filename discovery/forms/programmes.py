"""Forms of the programme pages: they translate the request into the services' input (discovery.services.programmes)
and show the services' refusals beside their fields."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models import Resident
from plans.models import AnnualPlan
from welfare.models import Dong

from ..models import Instrument, Participant, Phase, Programme
from ..selectors import enrol_candidates

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["dong", "title", "description", "place", "partners", "budget_krw", "starts_on", "ends_on",
                  "instruments", "plan"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3}),
                   "instruments": forms.CheckboxSelectMultiple}

    def __init__(self, *args, dong_ids, district_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dong"].queryset = Dong.objects.filter(pk__in=dong_ids).order_by("name")
        self.fields["instruments"].queryset = Instrument.objects.filter(
            Q(district__isnull=True) | Q(district_id=district_id)).order_by("code")
        self.fields["plan"].queryset = AnnualPlan.objects.filter(district_id=district_id).current()
        self.fields["plan"].required = False
        if not self.instance.pk:
            self.initial.setdefault("instruments", list(self.fields["instruments"].queryset))


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("일자"), widget=DATE_WIDGET)
    topic = forms.CharField(label=_("주제"), max_length=200, required=False)
    place = forms.CharField(label=_("장소"), max_length=200, required=False, help_text=_("비우면 프로그램 장소"))


class EnrolForm(forms.Form):
    """The resident is one the page found (``?find=``): a current resident of the programme's dong not yet enrolled."""

    resident = forms.ModelChoiceField(label=_("참여할 주민"), queryset=Resident.objects.none())
    enrolled_on = forms.DateField(label=_("등록일"), widget=DATE_WIDGET)

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = enrol_candidates(programme)


class MeasureForm(forms.Form):
    """One choice field per item of the instrument (``item_1``...), the phase and the day."""

    phase = forms.ChoiceField(label=_("시점"), choices=Phase.choices, widget=forms.RadioSelect)
    measured_on = forms.DateField(label=_("측정일"), widget=DATE_WIDGET)

    def __init__(self, *args, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(instrument.items.all())
        choices = [(instrument.min_value + i, label) for i, label in enumerate(instrument.choice_labels)]
        for item in self.items:
            self.fields[f"item_{item.order}"] = forms.TypedChoiceField(
                label=f"{item.order}. {item.text}", choices=choices, coerce=int, widget=forms.RadioSelect)

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{item.order}"] for item in self.items]


def participants_of(programme: Programme):
    return Participant.objects.filter(programme=programme)
