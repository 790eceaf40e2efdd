"""Forms of the official's visit work: visits, follow-ups, check-ins, isolation screening, composition."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.common.bounds import counter_attrs
from welfare.common.people import display_name

from ..models import (
    ISOLATION_ITEMS,
    CheckInSource,
    ContactResult,
    Household,
    LeftReason,
    NeedDomain,
    Relation,
    Resident,
    RiskLevel,
    Severity,
    Visit,
    VisitKind,
    isolation_items,
)
from ..services import VisitData, VisitOutcome, VisitScope, staff_of
from ..services.composition import LEAVE_NOTE_MAX
from ..services.followups import CHECKIN_NOTE_MAX, NOTE_MAX
from ..services.visits import NEED_NOTE_MAX, OBSERVATIONS_MAX
from .households import DATE_INPUT, ResidentForm

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
YES_NO = (("yes", _("예")), ("no", _("아니오")))


def local_now_minutes() -> dt.datetime:
    """Now in Asia/Seoul, to the minute: what a datetime-local input can show."""
    return timezone.localtime().replace(second=0, microsecond=0)


class ResidentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Resident) -> str:
        return f"{obj.name} ({obj.get_relation_display()})"


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


def current_residents(household: Household):
    return household.residents.current().order_by("id")


# Visits ------------------------------------------------------------------------------------------------------


class VisitForm(forms.Form):
    """One short form for a visit; the needs table and the death/move questions are part of it."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    visited_at = forms.DateTimeField(label=_("일시"), widget=DATETIME_INPUT, input_formats=[DATETIME_FORMAT])
    kind = forms.ChoiceField(label=_("방법"), choices=VisitKind.choices, initial=VisitKind.HOME)
    contact_result = forms.ChoiceField(label=_("접촉 결과"), choices=ContactResult.choices, initial=ContactResult.MET)
    staff_present = StaffChoiceField(
        label=_("동행 직원"), queryset=get_user_model().objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("같은 동 직원 가운데 함께 간 사람"),
    )
    # Texts carry their limit to the browser (maxlength, a live counter); the service checks it, with the
    # sentence the API gives too.
    observations = forms.CharField(label=_("관찰 내용"), required=False,
                                   widget=forms.Textarea(attrs=counter_attrs(OBSERVATIONS_MAX, rows=4)))
    risk_level = forms.ChoiceField(label=_("위기도(갱신)"), choices=RiskLevel.choices)
    next_contact_on = forms.DateField(
        label=_("다음 접촉 예정일"), widget=DATE_INPUT, required=False,
        help_text=_("비워 두면 정책 제안일로 정합니다."),
    )
    circumstances_changed = forms.BooleanField(
        label=_("상황 변화 있음"), required=False,
        help_text=_("질병·실직·가구원 변동 등 세대의 상황이 바뀌었으면 표시합니다. 서비스 제공 중인 사례는 재사정으로 옮깁니다."))
    # Asked only when the person died or moved away (the fieldset "사망·전출 처리").
    end_care = forms.ChoiceField(label=_("세대 관리 종료"), choices=YES_NO, widget=forms.RadioSelect, required=False,
                                 help_text=_("예: 관리 상태를 '관리 안 함'으로 바꾸고 남은 접촉 예정을 모두 취소합니다."))
    resident = ResidentChoiceField(
        label=_("사망·전출한 가구원"), queryset=Resident.objects.none(), required=False,
        help_text=_("고르면 그 가구원을 세대에서 이탈 처리합니다(세대주이면 남은 가구원이 세대주가 됩니다)."),
    )
    propose_case_closing = forms.BooleanField(label=_("진행 중인 사례의 종결 검토를 제안"), required=False)

    def __init__(self, *args, household: Household, has_open_case: bool, policy_days: dict[str, int],
                 scope: VisitScope | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        # The kinds and need domains this user records (a visiting nurse: health ones); the service checks too.
        kinds = set(scope.kinds) if scope else set(VisitKind.values)
        domains = set(scope.domains) if scope else set(NeedDomain.values)
        self.fields["kind"].choices = [(k, label) for k, label in VisitKind.choices if k in kinds]
        self.policy_days = policy_days
        self.fields["staff_present"].queryset = staff_of(household)
        self.fields["resident"].queryset = current_residents(household)
        if not has_open_case:
            del self.fields["propose_case_closing"]
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())
            self.initial.setdefault("visited_at", local_now_minutes())
            self.initial.setdefault("risk_level", household.risk_level)
            residents = list(self.fields["resident"].queryset)
            if len(residents) == 1:  # a one-person household: the only person the answer can be about
                self.initial.setdefault("resident", residents[0].pk)
        self.need_rows = []
        for domain, label in NeedDomain.choices:
            if domain not in domains:
                continue
            severity = forms.ChoiceField(label=label, choices=[("", _("없음")), *Severity.choices], required=False)
            note_label = _("%(domain)s 내용") % {"domain": label}
            note = forms.CharField(label=note_label, required=False, widget=forms.TextInput(
                attrs={"aria-label": note_label, "maxlength": NEED_NOTE_MAX}))
            self.fields[f"need_{domain}"] = severity
            self.fields[f"need_{domain}_note"] = note
            self.need_rows.append((domain, label))
        if not self.is_bound:
            self._show_proposal()

    @property
    def needs_table(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(label, self[f"need_{d}"], self[f"need_{d}_note"]) for d, label in self.need_rows]

    @property
    def main_fields(self) -> list[forms.BoundField]:
        names = ("visited_at", "kind", "contact_result", "observations", "risk_level", "next_contact_on",
                 "circumstances_changed")
        return [self[n] for n in names]

    @property
    def outcome_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("end_care", "resident", "propose_case_closing") if n in self.fields]

    def proposal(self) -> tuple[dt.date, str, int]:
        """The policy's next contact date for the risk chosen (else the household's) after the visit day."""
        if self.is_bound:
            risk = self.data.get(self.add_prefix("risk_level"))
            visited_at = getattr(self, "cleaned_data", {}).get("visited_at")
        else:
            risk, visited_at = self.initial.get("risk_level"), self.initial.get("visited_at")
        if risk not in self.policy_days:
            risk = self.household.risk_level
        day = timezone.localdate(visited_at) if visited_at else timezone.localdate()
        days = self.policy_days[risk]
        return day + dt.timedelta(days=days), risk, days

    def _show_proposal(self) -> None:
        on, risk, days = self.proposal()
        text = _("정책 제안: %(on)s (%(risk)s %(days)s일)") % {
            "on": on.isoformat(), "risk": RiskLevel(risk).label, "days": days}
        self.fields["next_contact_on"].help_text = text
        self["next_contact_on"].help_text = text  # the bound field copied the old text when validation made it
        if not self.is_bound:
            self.initial.setdefault("next_contact_on", on)

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound:
            self._show_proposal()  # for the risk and the day typed, when the form comes back with errors

    def visit_data(self) -> VisitData:
        """The typed input of :func:`households.services.visit_record`, which holds the rules."""
        data = self.cleaned_data
        needs = tuple(
            (domain, data.get(f"need_{domain}", ""), data.get(f"need_{domain}_note", "").strip())
            for domain, _label in self.need_rows
            if data.get(f"need_{domain}") or data.get(f"need_{domain}_note", "").strip()
        )
        return VisitData(
            kind=data["kind"], contact_result=data["contact_result"], risk_level=data["risk_level"],
            visited_at=data["visited_at"], observations=data["observations"].strip(),
            next_contact_on=data["next_contact_on"], needs=needs, staff_present=tuple(data["staff_present"]),
            circumstances_changed=bool(data.get("circumstances_changed")),
            outcome=VisitOutcome(end_care={"yes": True, "no": False}.get(data.get("end_care", "")),
                                 resident=data.get("resident"),
                                 propose_case_closing=bool(data.get("propose_case_closing"))),
        )


def initial_from_visit(visit: Visit, *, with_observations: bool = False) -> dict:
    """What "지난 방문 내용 가져오기" puts in a new visit form: how the visit was made, who came along (those no
    longer in the dong's staff simply stay unticked), each need found with its severity and note, and the
    observations only when asked. Never the date and time, the contact result, the next contact (proposed again
    from the policy), the death/move answers, nor the risk level: the household's current one stands, which the
    last visit set unless something changed it since."""
    initial: dict = {"kind": visit.kind, "staff_present": [person.pk for person in visit.staff_present.all()]}
    for need in visit.needs.all():
        initial[f"need_{need.domain}"] = need.severity
        initial[f"need_{need.domain}_note"] = need.note
    if with_observations:
        initial["observations"] = visit.observations
    return initial


# Follow-ups and check-ins ------------------------------------------------------------------------------------


class FollowUpForm(forms.Form):
    prefix = "followup"

    due_on = forms.DateField(label=_("예정일"), widget=DATE_INPUT)
    note = forms.CharField(label=_("메모"), required=False, widget=forms.TextInput(attrs=counter_attrs(NOTE_MAX)))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("due_on", timezone.localdate() + dt.timedelta(days=7))


class CheckInForm(forms.Form):
    prefix = "checkin"

    at = forms.DateTimeField(label=_("일시"), widget=DATETIME_INPUT, input_formats=[DATETIME_FORMAT])
    source = forms.ChoiceField(label=_("경로"), choices=CheckInSource.choices, initial=CheckInSource.CARE_TEAM)
    is_alert = forms.TypedChoiceField(
        label=_("결과"), choices=(("0", _("이상 없음")), ("1", _("이상 신호"))), coerce=lambda v: v == "1",
        widget=forms.RadioSelect, initial="0",
    )
    note = forms.CharField(label=_("메모"), required=False,
                           widget=forms.TextInput(attrs=counter_attrs(CHECKIN_NOTE_MAX)))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("at", local_now_minutes())


# Isolation screening -----------------------------------------------------------------------------------------


class IsolationForm(forms.Form):
    resident = ResidentChoiceField(label=_("대상자"), queryset=Resident.objects.none())
    screened_on = forms.DateField(label=_("조사일"), widget=DATE_INPUT)
    apply_risk = forms.BooleanField(label=_("세대 위기도에 반영"), required=False)

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        residents = current_residents(household)
        self.fields["resident"].queryset = residents
        self.initial.setdefault("screened_on", timezone.localdate())
        if "resident" not in self.initial:
            head = next((r for r in residents if r.relation == Relation.HEAD), None)
            self.initial["resident"] = head.pk if head else None
        for key, label in isolation_items():  # the wording a superuser may have corrected (one query)
            self.fields[f"item_{key}"] = forms.BooleanField(label=label, required=False)

    @property
    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{key}"] for key, _label in ISOLATION_ITEMS]

    def answers(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"item_{key}")) for key, _label in ISOLATION_ITEMS}

    def live_score(self) -> int:
        """The count of ticked items as submitted (before validation too), for the page to show."""
        if not self.is_bound:
            return 0
        return sum(1 for key, _label in ISOLATION_ITEMS if self.data.get(self.add_prefix(f"item_{key}")))


# Composition -------------------------------------------------------------------------------------------------


class MemberLeaveForm(forms.Form):
    on = forms.DateField(label=_("이탈일"), widget=DATE_INPUT)
    reason = forms.ChoiceField(label=_("이탈 사유"), choices=[("", "---------"), *LeftReason.choices])
    new_head = ResidentChoiceField(
        label=_("새 세대주"), queryset=Resident.objects.none(), required=False,
        help_text=_("세대주가 이탈하고 다른 가구원이 남으면 반드시 고르세요."),
    )
    note = forms.CharField(label=_("메모"), required=False,
                           widget=forms.TextInput(attrs=counter_attrs(LEAVE_NOTE_MAX)))

    def __init__(self, *args, resident: Resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
        others = current_residents(resident.household).exclude(pk=resident.pk)
        if resident.relation == Relation.HEAD and others.exists():
            self.fields["new_head"].queryset = others
        else:
            del self.fields["new_head"]


class HeadChangeForm(forms.Form):
    new_head = ResidentChoiceField(label=_("새 세대주"), queryset=Resident.objects.none())
    previous_head_relation = forms.ChoiceField(
        label=_("이전 세대주의 새 관계"), choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
        initial=Relation.SPOUSE, help_text=_("새 세대주를 기준으로 한 관계"),
    )
    on = forms.DateField(label=_("변경일"), widget=DATE_INPUT)

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
        self.fields["new_head"].queryset = current_residents(household).exclude(relation=Relation.HEAD)


class MemberJoinForm(ResidentForm):
    """A new resident and the day they moved in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        moved_in = self.fields["moved_in_on"]
        moved_in.required = True
        moved_in.label = _("전입일")
        self.initial.setdefault("moved_in_on", timezone.localdate())
