"""The case conference (사례회의) form: input only. The main form and two row formsets (partner organisations, plan
items) turn HTTP into :func:`households.services.conference_record`'s arguments; the service holds every rule,
and :func:`welfare.errors.show_on_form` puts its refusals beside the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.common.bounds import counter_attrs
from welfare.common.dates import seoul_today
from welfare.templatetags.welfare_tags import person

from ..models import Case, ConferenceBody, ConferenceDecision, ConferenceKind, NeedDomain
from ..services.cases import assignable_officials
from ..services.conferences import (
    ITEM_TEXT_MAX,
    ORGANISATION_MAX,
    PERSON_MAX,
    PROVIDER_MAX,
    REASON_MAX,
    PartnerInput,
    PlanItemInput,
)
from .cases import DATE_INPUT

PARTNER_ROWS = 3
ITEM_ROWS = 4


class StaffMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return person(obj)


class ConferenceForm(forms.Form):
    held_on = forms.DateField(label=_("회의일"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("회의 구분"), choices=ConferenceKind.choices)
    body = forms.ChoiceField(label=_("회의 주관"), choices=ConferenceBody.choices)
    staff = StaffMultipleField(queryset=None, label=_("참석 직원"), required=False,
                               widget=forms.CheckboxSelectMultiple)
    decision = forms.ChoiceField(label=_("결정"), choices=ConferenceDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("결정 사유"), required=False, help_text=_("미선정이면 필수"),
                             widget=forms.Textarea(attrs=counter_attrs(REASON_MAX, rows=3)))

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {"held_on": seoul_today(), "kind": ConferenceKind.GENERAL,
                                      "body": ConferenceBody.DONG_COUNCIL})
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = assignable_officials(case.household)


class PartnerRowForm(forms.Form):
    organisation = forms.CharField(label=_("기관명"), required=False, widget=forms.TextInput(
        attrs=counter_attrs(ORGANISATION_MAX, placeholder=_("예: ○○종합사회복지관"))))
    person = forms.CharField(label=_("참석자·직위"), required=False, widget=forms.TextInput(
        attrs=counter_attrs(PERSON_MAX, placeholder=_("예: 김○○ 팀장"))))

    def row(self) -> PartnerInput | None:
        data = self.cleaned_data if self.is_valid() else {}
        organisation, who = data.get("organisation", ""), data.get("person", "")
        return PartnerInput(organisation, who) if organisation or who else None


class PlanItemRowForm(forms.Form):
    domain = forms.ChoiceField(label=_("욕구 영역"), required=False,
                               choices=[("", _("— 고르세요 —")), *NeedDomain.choices])
    text = forms.CharField(label=_("계획 내용"), required=False, widget=forms.TextInput(
        attrs=counter_attrs(ITEM_TEXT_MAX, placeholder=_("예: 긴급복지 생계지원 신청"))))
    provider = forms.CharField(label=_("제공 기관"), required=False,
                               widget=forms.TextInput(attrs=counter_attrs(PROVIDER_MAX)))
    target_on = forms.DateField(label=_("목표일"), required=False, widget=DATE_INPUT)

    def row(self) -> PlanItemInput | None:
        data = self.cleaned_data if self.is_valid() else {}
        values = (data.get("domain", ""), data.get("text", ""), data.get("provider", ""), data.get("target_on"))
        return PlanItemInput(*values) if any(values) else None


# At most 30 rows each, whatever the management form says: Django builds up to ``max_num`` + 1,000 forms by
# default, so one POST claiming ten billion rows took 800 ms (found by ``make crawl --slow-ms``). More is refused
# with a message instead.
ROWS_MAX = 30
PartnerFormSet = forms.formset_factory(PartnerRowForm, extra=PARTNER_ROWS, max_num=ROWS_MAX, absolute_max=ROWS_MAX,
                                       validate_max=True)
PlanItemFormSet = forms.formset_factory(PlanItemRowForm, extra=ITEM_ROWS, max_num=ROWS_MAX, absolute_max=ROWS_MAX,
                                        validate_max=True)


def conference_forms(data=None, *, case: Case) -> tuple[ConferenceForm, forms.BaseFormSet, forms.BaseFormSet]:
    return (ConferenceForm(data, case=case), PartnerFormSet(data, prefix="partners"),
            PlanItemFormSet(data, prefix="items"))
