"""Forms of case management and service links. Input only: they turn HTTP into the services' typed arguments
(``case_input`` / ``needs`` / ``terms``); every rule lives in households.services.cases and .links, whose
refusals :func:`welfare.errors.show_on_form` puts beside the field they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.models import Resource
from welfare.common.bounds import counter_attrs
from welfare.common.dates import seoul_today
from welfare.templatetags.welfare_tags import person

from ..models import (
    Case,
    CaseClass,
    CaseSource,
    CaseStage,
    ClosingReason,
    ConsentScope,
    Household,
    LinkStatus,
    NeedDomain,
    ServiceLink,
    Severity,
)
from ..services.aftercare import NOTE_MAX as AFTERCARE_NOTE_MAX
from ..services.aftercare import AftercareOutcome, RelapsePath
from ..services.cases import (
    CLOSING_NOTE_MAX,
    GOAL_TEXT_MAX,
    NEED_NOTE_MAX,
    STAGE_NOTE_MAX,
    SUMMARY_MAX,
    NeedInput,
    assignable_officials,
)
from ..services.links import LINK_FIELDS, LinkTerms

# Texts carry their limit to the browser (maxlength and static/js/counter.js); the services check it, with the
# sentence the API gives too, so the fields themselves set no max_length.
LINK_NOTE_MAX = ServiceLink._meta.get_field("note").max_length
LINK_REASON_MAX = ServiceLink._meta.get_field("status_reason").max_length
LINK_TEXT_MAX = ServiceLink._meta.get_field("frequency").max_length

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STALE_MESSAGE = _("다른 직원이 먼저 저장했습니다. 최신 내용을 확인한 뒤 다시 저장하세요.")


class VersionField(forms.IntegerField):
    """The version the form was opened at (optimistic locking): hidden, sent back untouched."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=1, **kwargs)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person(obj)


class CaseOpenForm(forms.Form):
    client = forms.ModelChoiceField(queryset=None, label=_("대상자"), empty_label=None,
                                    help_text=_("개인정보 수집·이용 동의를 받은 현재 가구원"))
    # No default: a silent "위기가구 제보" skewed the discovery figures (issue 18); the official picks one.
    source = forms.ChoiceField(label=_("발굴 경로"), choices=[("", _("— 발굴 경로를 고르세요 —")), *CaseSource.choices],
                               error_messages={"required": _("발굴 경로를 고르세요.")})
    case_class = forms.ChoiceField(label=_("사례 구분"), choices=CaseClass.choices, initial=CaseClass.GENERAL,
                                   help_text=_("안전·정신건강 욕구가 있으면 고난도"))
    assigned_official = StaffChoiceField(queryset=None, label=_("담당 공무원"), required=False,
                                         empty_label=_("(세대 담당 또는 본인)"))
    opened_on = forms.DateField(label=_("접수일"), widget=DATE_INPUT)
    summary = forms.CharField(label=_("사례 개요"), required=False,
                              widget=forms.Textarea(attrs=counter_attrs(SUMMARY_MAX, rows=4)))

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        residents = household.residents.current().prefetch_related("consents")
        self.fields["client"].queryset = residents
        self.fields["client"].label_from_instance = self._client_label
        self.fields["assigned_official"].queryset = assignable_officials(household)
        self.fields["opened_on"].initial = seoul_today()
        if not self.is_bound and household.assigned_official_id:
            self.fields["assigned_official"].initial = household.assigned_official_id

    @staticmethod
    def _client_label(resident) -> str:
        # The consents are prefetched: no query per option.
        consented = any(c.scope == ConsentScope.COLLECT_USE and c.is_active for c in resident.consents.all())
        label = f"{resident.name} ({resident.get_relation_display()})"
        return label if consented else f"{label} — {_('수집·이용 동의 없음')}"


class ReopenForm(forms.Form):
    source = forms.ChoiceField(label=_("발굴 경로"), choices=[("", _("— 발굴 경로를 고르세요 —")), *CaseSource.choices],
                               error_messages={"required": _("발굴 경로를 고르세요.")})
    summary = forms.CharField(label=_("재발 경위"), required=False,
                              widget=forms.Textarea(attrs=counter_attrs(SUMMARY_MAX, rows=3)))


class CaseEditForm(forms.Form):
    """The official and the summary; the case class is the case conference's decision, not edited here."""

    assigned_official = StaffChoiceField(queryset=None, label=_("담당 공무원"))
    summary = forms.CharField(label=_("사례 개요"), required=False,
                              widget=forms.Textarea(attrs=counter_attrs(SUMMARY_MAX, rows=6)))
    version = VersionField()

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("initial", {
            "assigned_official": case.assigned_official_id,
            "summary": case.summary, "version": case.version,
        })
        super().__init__(*args, **kwargs)
        self.fields["assigned_official"].queryset = assignable_officials(case.household, keep_id=case.assigned_official_id)


class CaseTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("다음 단계"), choices=CaseStage.choices)
    version = VersionField()
    note = forms.CharField(label=_("메모"), required=False, widget=forms.TextInput(
        attrs=counter_attrs(STAGE_NOTE_MAX, placeholder=_("예: 사례회의 결과 고난도 사례로 선정"))))
    closing_reason = forms.ChoiceField(label=_("종결 사유"), required=False,
                                       choices=[("", _("— 고르세요 —")), *ClosingReason.choices])
    closing_note = forms.CharField(label=_("종결 사유 상세"), required=False,
                                   widget=forms.Textarea(attrs=counter_attrs(CLOSING_NOTE_MAX, rows=3)))

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            # The select offers the allowed moves; the service still refuses anything else posted.
            self.fields["to"].widget.choices = [(s, CaseStage(s).label) for s in allowed]


class CaseNeedsForm(forms.Form):
    """The ten domains of the needs assessment; a domain left at 'none' is not a need."""

    version = VersionField()

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        current = {n.domain: n for n in case.needs.all()}
        for domain in NeedDomain:
            need = current.get(domain.value)
            self.fields[f"{domain.value}_severity"] = forms.ChoiceField(
                label=_("정도"), required=False, choices=[("", _("해당 없음")), *Severity.choices],
                initial=need.severity if need else "",
            )
            self.fields[f"{domain.value}_priority"] = forms.IntegerField(
                label=_("우선순위"), required=False, min_value=1, max_value=10,
                initial=need.priority if need else None, widget=forms.NumberInput(attrs={"style": "width:5rem"}),
            )
            self.fields[f"{domain.value}_note"] = forms.CharField(
                label=_("내용"), required=False, initial=need.note if need else "",
                widget=forms.TextInput(attrs={"maxlength": NEED_NOTE_MAX}),
            )
        if not self.is_bound:
            self.fields["version"].initial = case.version
        self.current = current

    @property
    def rows(self) -> list[dict]:
        return [{
            "domain": domain, "severity": self[f"{domain.value}_severity"],
            "priority": self[f"{domain.value}_priority"], "note": self[f"{domain.value}_note"],
            "current": self.current.get(domain.value),
        } for domain in NeedDomain]

    def needs(self) -> list[NeedInput]:
        """Every domain as typed; the service decides which are needs and refuses a note without a severity."""
        data = self.cleaned_data
        return [NeedInput(d.value, data.get(f"{d.value}_severity") or "", data.get(f"{d.value}_priority"),
                          data.get(f"{d.value}_note") or "") for d in NeedDomain]


class CaseGoalForm(forms.Form):
    text = forms.CharField(label=_("목표"), widget=forms.TextInput(
        attrs=counter_attrs(GOAL_TEXT_MAX, placeholder=_("예: 3개월 안에 기초생활보장 생계급여 수급"))))
    target_on = forms.DateField(label=_("목표일"), widget=DATE_INPUT)
    need = forms.ModelChoiceField(queryset=None, label=_("대응 욕구"), required=False, empty_label=_("(선택 안 함)"))

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = case.needs.all()


class CaseGoalAchieveForm(forms.Form):
    """The day a goal was achieved; today unless the official says otherwise. The service checks the range."""

    on = forms.DateField(label=_("달성일"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = seoul_today()


class AmountField(forms.IntegerField):
    """Won as typed by people: "1,500,000", "1500000원" and "150 만" are not all numbers, the first two are."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("원", "").strip()
        return super().to_python(value)


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} · {obj.provider}"


class ServiceLinkForm(forms.Form):
    need = forms.ModelChoiceField(queryset=None, label=_("대응 욕구"), required=False, empty_label=_("(선택 안 함)"))
    resource = ResourceChoiceField(queryset=None, label=_("자원"),
                                   help_text=_("이 동에서 이용할 수 있는 사용 중인 자원. 민간 자원은 제3자 제공 동의가 필요합니다."))
    requested_on = forms.DateField(label=_("의뢰일"), widget=DATE_INPUT)
    start_on = forms.DateField(label=_("시작일"), required=False, widget=DATE_INPUT)
    end_on = forms.DateField(label=_("종료일"), required=False, widget=DATE_INPUT)
    amount_krw = AmountField(label=_("금액(원)"), required=False, min_value=0, max_value=10**12,
                             widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "500,000"}),
                             error_messages={"min_value": _("금액은 0원 이상이어야 합니다."),
                                             "invalid": _("금액은 숫자로 적어 주세요. 예: 500,000")})
    frequency = forms.CharField(label=_("횟수·주기"), required=False,
                                widget=forms.TextInput(attrs={"placeholder": _("예: 주 2회, 월 1회"),
                                                              "maxlength": LINK_TEXT_MAX}))
    funding_source = forms.CharField(label=_("재원"), required=False, help_text=_("비워 두면 자원의 재원"),
                                     widget=forms.TextInput(attrs={"maxlength": LINK_TEXT_MAX}))
    note = forms.CharField(label=_("메모"), required=False,
                           widget=forms.Textarea(attrs=counter_attrs(LINK_NOTE_MAX, rows=2)))

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        household = case.household
        self.fields["need"].queryset = case.needs.all()
        resources = list(
            Resource.objects.filter(district_id=household.dong.district_id).serving(household.dong_id)
            .order_by("sector", "category", "name")
        )
        self.resource_count = len(resources)
        self.fields["resource"].queryset = Resource.objects.filter(pk__in=[r.pk for r in resources])
        # Grouped by sector and category so a long directory stays readable in one select.
        groups: dict[str, list] = {}
        for r in resources:
            groups.setdefault(f"{r.get_sector_display()} · {r.get_category_display()}", []).append(
                (r.pk, f"{r.name} · {r.provider}"))
        self.fields["resource"].widget.choices = [("", _("— 자원을 고르세요 —")), *groups.items()]
        self.fields["requested_on"].initial = seoul_today()

    def terms(self) -> LinkTerms:
        data = self.cleaned_data
        return LinkTerms(**{name: data[name] for name in LINK_FIELDS})


class LinkTransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("바꿀 상태"), choices=LinkStatus.choices)
    reason = forms.CharField(label=_("사유"), required=False, help_text=_("거절·중단일 때 필수"),
                             widget=forms.TextInput(attrs=counter_attrs(LINK_REASON_MAX)))

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["to"].widget.choices = [(s, LinkStatus(s).label) for s in allowed]


class AftercareForm(forms.Form):
    """The outcome of an after-care contact (households.services.aftercare_record holds the rules)."""

    outcome = forms.ChoiceField(label=_("사후관리 결과"), choices=AftercareOutcome.choices, widget=forms.RadioSelect,
                                error_messages={"required": _("사후관리 결과를 고르세요.")})
    relapse_to = forms.ChoiceField(label=_("재발이면"), choices=[("", _("— 재발일 때 고르세요 —")), *RelapsePath.choices],
                                   required=False)
    source = forms.ChoiceField(label=_("새 사례의 발굴 경로"), choices=CaseSource.choices, initial=CaseSource.VISIT,
                               required=False)
    note = forms.CharField(label=_("접촉 내용"), required=False,
                           widget=forms.TextInput(attrs=counter_attrs(AFTERCARE_NOTE_MAX)))
    version = VersionField()
