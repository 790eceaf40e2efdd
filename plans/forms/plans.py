"""Forms of the annual basic plan pages. They parse and check input; the rules live in plans.services (a service's RuleError is shown beside the field it names)."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from welfare.common.bounds import LONG_TEXT, NOTE_TEXT, counter_attrs, whole_number
from welfare.common.dates import seoul_today
from welfare.common.requests import given_id
from welfare.models import Dong

from ..metrics import METRIC_CHOICES, METRICS
from ..models import AnnualPlan, Department, FundingSource, MilestoneStatus, PlanTask

QUARTERS = (1, 2, 3, 4)


def _next_year() -> int:
    return seoul_today().year + 1


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("연도"), min_value=2000, max_value=2100, initial=_next_year)
    title = forms.CharField(label=_("계획명"), max_length=200)
    vision = forms.CharField(label=_("비전"), max_length=300, required=False)


class PlanCloneForm(forms.Form):
    previous = forms.ModelChoiceField(label=_("기준 계획(작년 계획)"), queryset=AnnualPlan.objects.none(),
                                      empty_label=None)
    year = forms.IntegerField(label=_("새 계획 연도"), min_value=2000, max_value=2100, initial=_next_year)
    uplift_percent = forms.DecimalField(label=_("목표 상향률(%)"), min_value=0, max_value=100, max_digits=5,
                                        decimal_places=1, initial=Decimal(10),
                                        help_text=_("동별 목표 = 작년 실적 × (1 + 상향률), 올림"))
    title = forms.CharField(label=_("계획명"), max_length=200, required=False,
                            help_text=_("비워 두면 기준 계획의 이름에서 연도만 바꿉니다."))

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous"].queryset = plans
        self.fields["previous"].label_from_instance = self.plan_label

    @staticmethod
    def plan_label(plan: AnnualPlan) -> str:
        status = plan.get_status_display()
        return f"{plan.title} ({status})" if plan.revision == 1 else f"{plan.title} ({status}, 개정 {plan.revision}차)"


class PlanHeaderForm(forms.Form):
    title = forms.CharField(label=_("계획명"), max_length=200)
    vision = forms.CharField(label=_("비전"), max_length=300, required=False)


class AreaForm(forms.Form):
    title = forms.CharField(label=_("추진 전략(영역)"), max_length=200)


class MoneyField(forms.CharField):
    """Whole won, typed as "12,000,000", "12000000" or "12,000,000원"."""

    default_error_messages = {"invalid": _("금액은 숫자로 적으세요(예: 12,000,000).")}

    def to_python(self, value):
        text = re.sub(r"[\s,원₩]", "", super().to_python(value) or "")
        if not text:
            return 0
        if not re.fullmatch(r"-?\d+", text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return whole_number(text)

    def validate(self, value):
        if value < 0:
            raise ValidationError(_("예산은 0원 이상이어야 합니다."), code="negative")


class TaskForm(forms.Form):
    """One task with its four quarterly milestones. The department is chosen, or typed as a new one."""

    title = forms.CharField(label=_("세부 사업"), max_length=200)
    description = forms.CharField(label=_("내용"), required=False,
                                  widget=forms.Textarea(attrs=counter_attrs(LONG_TEXT, rows=2)))
    department = forms.ModelChoiceField(label=_("담당 부서"), queryset=Department.objects.none(), required=False)
    new_department = forms.CharField(label=_("새 부서"), max_length=100, required=False)
    lead = forms.CharField(label=_("담당자"), max_length=100, required=False)
    budget_krw = MoneyField(label=_("예산(원)"), required=False)
    funding_source = forms.ChoiceField(label=_("재원"), choices=FundingSource.choices, initial=FundingSource.DISTRICT)
    indicator = forms.CharField(label=_("성과지표"), max_length=200, required=False)
    indicator_unit = forms.CharField(label=_("단위"), max_length=20, required=False)
    baseline = forms.DecimalField(label=_("기준값"), max_digits=12, decimal_places=2, required=False, min_value=0)
    target = forms.DecimalField(label=_("목표값"), max_digits=12, decimal_places=2, required=False, min_value=0)

    def __init__(self, *args, district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(district=district)
        for q in QUARTERS:
            self.fields[f"m{q}_text"] = forms.CharField(label=_("%(q)s분기") % {"q": q}, max_length=200,
                                                       required=False)
            self.fields[f"m{q}_status"] = forms.ChoiceField(label=_("상태"), choices=MilestoneStatus.choices,
                                                           initial=MilestoneStatus.PLANNED)

    @classmethod
    def initial_for(cls, task: PlanTask) -> dict:
        initial = {name: getattr(task, name) for name in (
            "title", "description", "lead", "budget_krw", "funding_source", "indicator", "indicator_unit",
            "baseline", "target")}
        initial["department"] = task.department_id
        for m in task.milestones.all():  # prefetched: the first milestone of each quarter
            initial.setdefault(f"m{m.quarter}_text", m.text)
            initial.setdefault(f"m{m.quarter}_status", m.status)
        return initial

    @property
    def milestone_rows(self):
        return [(q, self[f"m{q}_text"], self[f"m{q}_status"]) for q in QUARTERS]

    def clean(self):
        data = super().clean()
        if not data.get("department") and not (data.get("new_department") or "").strip() \
                and "department" not in self.errors:
            self.add_error("department", _("세부 사업에는 담당 부서가 있어야 합니다. 부서를 고르거나 새 부서 이름을 적으세요."))
        if (data.get("baseline") is not None or data.get("target") is not None) and not data.get("indicator"):
            self.add_error("indicator", _("기준값·목표값에는 성과지표 이름이 있어야 합니다."))
        return data

    def task_data(self, department: Department) -> dict:
        data = {name: self.cleaned_data[name] for name in (
            "title", "description", "lead", "budget_krw", "funding_source", "indicator", "indicator_unit",
            "baseline", "target")}
        data["department"] = department
        return data

    def milestones(self) -> list[tuple[int, str, str]]:
        return [(q, self.cleaned_data[f"m{q}_text"], self.cleaned_data[f"m{q}_status"]) for q in QUARTERS]


def target_field_name(dong_id: int, metric: str) -> str:
    return f"t-{dong_id}-{metric}"


def parse_target(raw: str) -> int:
    """A dong target typed in a cell: a whole number, 0 or more (thousands separators allowed)."""
    text = re.sub(r"[\s,]", "", raw or "")
    if not re.fullmatch(r"-?\d+", text):
        raise ValidationError(_("목표는 0 이상의 정수로 적으세요."), code="invalid")
    value = whole_number(text)
    if value < 0:
        raise ValidationError(_("목표는 0 이상의 정수여야 합니다."), code="negative")
    return value


def parse_cell(key: str) -> tuple[int | None, str]:
    """``"12:cases_opened"`` → (12, "cases_opened"); a missing part comes back empty for the service to refuse."""
    dong, _sep, metric = (key or "").partition(":")
    return (given_id(dong) or None), metric


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("의견"), required=False,
                              widget=forms.Textarea(attrs=counter_attrs(NOTE_TEXT, rows=2)))


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("반려 의견"), widget=forms.Textarea(attrs=counter_attrs(NOTE_TEXT, rows=2)),
                              error_messages={"required": _("반려할 때는 의견을 적어 주세요.")})


class DashboardFilterForm(forms.Form):
    metric = forms.ChoiceField(label=_("지표"), required=False, choices=lambda: [("", _("전체 지표")), *METRIC_CHOICES])
    dong = forms.ModelChoiceField(label=_("행정동"), required=False, queryset=Dong.objects.none(),
                                  empty_label=_("전체 동"))

    def __init__(self, *args, dongs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dong"].queryset = dongs

    def chosen(self) -> tuple[list[str] | None, int | None]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        metric = data.get("metric")
        dong = data.get("dong")
        return ([metric] if metric in METRICS else None), (dong.pk if dong else None)
