"""Discovery forms: triage."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import CaseClass, Household
from plans.models import Resource
from welfare.models import Dong

from ..models import (
    AttemptMethod,
    Channel,
    CrisisReport,
    ReportOutcome,
    ReportStatus,
    Urgency,
)
from ..selectors import search_reports
from .common import (
    DATETIME_INPUT,
    DISTRICT_QUEUE,
    QUICK_OUTCOMES,
    StaffChoiceField,
    assignable_staff,
    dong_label,
    my_dongs,
    sees_district_queue,
)


class QueueFilterForm(forms.Form):
    MINE = "mine"
    q = forms.CharField(label=_("검색"), required=False, max_length=100, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("이름·전화번호·주소·접수번호")}))
    status = forms.ChoiceField(label=_("상태"), required=False,
                               choices=[("", _("미처리 전체")), *ReportStatus.choices])
    channel = forms.ChoiceField(label=_("접수 경로"), required=False, choices=[("", _("전체")), *Channel.choices])
    urgency = forms.ChoiceField(label=_("긴급도"), required=False, choices=[("", _("전체")), *Urgency.choices])
    dong = forms.ChoiceField(label=_("접수함"), required=False)
    mine = forms.BooleanField(label=_("내 담당만"), required=False)
    unassigned = forms.BooleanField(label=_("담당자 없음만 (동 대기열)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("전체"))] + [(str(d.pk), d.name) for d in my_dongs(user)]
        if sees_district_queue(user):
            choices.append((DISTRICT_QUEUE, _("구 접수함 (동 미정)")))
        self.fields["dong"].choices = choices

    def filter(self, queryset, user):
        if not self.is_valid():
            return queryset.open()
        data = self.cleaned_data
        queryset = queryset.filter(status=data["status"]) if data["status"] else queryset.open()
        if data["channel"]:
            queryset = queryset.filter(channel=data["channel"])
        if data["urgency"]:
            queryset = queryset.filter(urgency=data["urgency"])
        if data["dong"] == DISTRICT_QUEUE:
            queryset = queryset.filter(dong__isnull=True)
        elif data["dong"]:
            queryset = queryset.filter(dong_id=int(data["dong"]))
        if data["mine"]:
            queryset = queryset.filter(assigned_official=user)
        if data.get("unassigned"):
            queryset = queryset.filter(assigned_official__isnull=True)
        return search_reports(queryset, data["q"])

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(k) for k in self.fields)


class AssignForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={
        "required": _("배정할 제보를 하나 이상 고르세요.")})
    to_user = StaffChoiceField(label=_("담당자"), queryset=None, empty_label=_("— 담당자 —"))
    dong = forms.ModelChoiceField(label=_("구 접수함 제보의 동"), queryset=Dong.objects.none(), required=False,
                                  empty_label=_("(담당자의 동)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = assignable_staff(user)
        self.fields["dong"].queryset = my_dongs(user)
        self.fields["dong"].label_from_instance = dong_label

    def full_clean(self):
        # The ids are checked against what the user may see by the service, not by a list of choices here.
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else self.data.get("ids", [])
        self.fields["ids"].choices = [(v, v) for v in raw if str(v).isdigit()]
        super().full_clean()


class QuickResolveForm(forms.Form):
    """The one-click outcomes from a queue row; the reason is required for each of them."""

    outcome = forms.ChoiceField(label=_("처리 결과"), choices=[(o.value, o.label) for o in QUICK_OUTCOMES])
    reason = forms.CharField(label=_("사유"), max_length=500,
                             error_messages={"required": _("사유를 적어 주세요.")})
    duplicate_code = forms.CharField(label=_("원래 제보 접수번호"), required=False, max_length=16)


class AttemptForm(forms.Form):
    method = forms.ChoiceField(label=_("방법"), choices=AttemptMethod.choices)
    reached = forms.BooleanField(label=_("연락 닿음"), required=False)
    at = forms.DateTimeField(label=_("일시"), widget=DATETIME_INPUT)
    note = forms.CharField(label=_("메모"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("처리 결과"), choices=[("", _("— 고르세요 —")), *ReportOutcome.choices])
    reason = forms.CharField(label=_("사유"), required=False, max_length=500,
                             help_text=_("비대상·소재 미확인·중복·타기관 의뢰일 때 필수"))
    client = forms.ModelChoiceField(label=_("사례 대상자"), queryset=None, required=False,
                                    empty_label=_("— 사례 접수일 때 —"),
                                    help_text=_("개인정보 수집·이용 동의를 받은 현재 가구원"))
    case_class = forms.ChoiceField(label=_("사례 구분"), choices=CaseClass.choices, initial=CaseClass.GENERAL)
    resource = forms.ModelChoiceField(label=_("연계 자원"), queryset=None, required=False,
                                      empty_label=_("— 단순 연계일 때 —"))
    duplicate_code = forms.CharField(label=_("원래 제보 접수번호"), required=False, max_length=16,
                                     help_text=_("중복일 때"))
    handoff_note = forms.CharField(label=_("사실조사 인계 메모"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 3}), help_text=_("소재 미확인일 때 필수"))

    def __init__(self, *args, report: CrisisReport, user, **kwargs):
        super().__init__(*args, **kwargs)
        household: Household | None = report.household
        residents = household.residents.current().prefetch_related("consents") if household else None
        from households.models import Resident

        self.fields["client"].queryset = residents if residents is not None else Resident.objects.none()
        self.fields["client"].label_from_instance = self._client_label
        dong_id = report.dong_id or (household.dong_id if household else None)
        resources = Resource.objects.filter(district_id=report.district_id, is_active=True)
        if dong_id:
            resources = resources.serving(dong_id)
        self.fields["resource"].queryset = resources.order_by("sector", "name")

    @staticmethod
    def _client_label(resident) -> str:
        consented = any(c.scope == "collect_use" and c.is_active for c in resident.consents.all())
        label = f"{resident.name} ({resident.get_relation_display()})"
        return label if consented else f"{label} — {_('수집·이용 동의 없음')}"
