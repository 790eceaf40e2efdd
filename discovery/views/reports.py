"""Crisis report pages: the triage queue, a new report, the screening page, and the household merge.

Every report is fetched through ``CrisisReport.objects.visible_to(user)``, so another dong's report answers 404
on every URL; writes need an editing role (planners get 403) and go through discovery.services.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from households.attachment_owners import with_owners
from households.forms import HeadForm, HouseholdForm
from households.models import Attachment, Household
from welfare.audit import log_action, log_list
from welfare.common.paging import IdsFirstPaginator
from welfare.common.requests import given_id, local_url
from welfare.errors import RuleError, show_on_form
from welfare.messaging.models import OutboundMessage
from welfare.permissions import can
from welfare.views_export import export_page

from .. import services
from ..attachment_owners import REPORT
from ..exports import reports_export
from ..forms import (
    AssignForm,
    AttemptForm,
    MergeForm,
    NetworkLookForm,
    QueueFilterForm,
    QuickResolveForm,
    ReportForm,
    ResolveForm,
)
from ..models import (
    BigDataTarget,
    Channel,
    ContactAttempt,
    CrisisReport,
    HouseholdMerge,
    PublicRequest,
    ReporterIdentity,
    ReportStatus,
    Urgency,
)

PER_PAGE = 25


def _require_editor(request: HttpRequest) -> None:
    if not services.can_edit_reports(request.user):
        raise PermissionDenied


def _report(request: HttpRequest, pk: int) -> CrisisReport:
    """The report if this user may see it; 404 for another dong's, as if it did not exist."""
    return get_object_or_404(
        CrisisReport.objects.visible_to(request.user).select_related(
            "district", "dong", "assigned_official", "household__dong", "network_member", "case", "service_link",
            "duplicate_of"),
        pk=pk,
    )


def age_label(moment: dt.datetime, now: dt.datetime) -> str:
    seconds = max(0, (now - moment).total_seconds())
    if seconds >= 86400:
        return _("%(n)s일 전") % {"n": int(seconds // 86400)}
    if seconds >= 3600:
        return _("%(n)s시간 전") % {"n": int(seconds // 3600)}
    return _("%(n)s분 전") % {"n": max(1, int(seconds // 60))}


def _safe_next(request: HttpRequest, fallback: str) -> str:
    return local_url(request, request.POST.get("next"), fallback)


# --- The triage queue --------------------------------------------------------------------------------------------


QUEUE_RELATED = ("dong", "assigned_official", "household")


def triage_queryset(user, form: QueueFilterForm, now: dt.datetime):
    """The scoped, filtered reports in the triage order, without joins (the queue reads a page's ids from these,
    then ``queue_rows`` for those ids)."""
    return form.filter(CrisisReport.objects.visible_to(user), user).in_triage_order(now)


def queue_rows(reports, now: dt.datetime):
    """The rows the queue shows, with their dong, official and household."""
    return reports.with_triage_ranks(now).select_related(*QUEUE_RELATED)


def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None, user=request.user)
    now = timezone.now()
    # The page's ids first, sorted on the bare rows (a top-N of narrow rows: a Ministry round puts 50,000 open
    # reports in a dong's queue), then the joins for those 25 rows only.
    page = IdsFirstPaginator(triage_queryset(request.user, form, now), PER_PAGE,
                             decorate=lambda rows: queue_rows(rows, now)).get_page(request.GET.get("page"))
    for report in page.object_list:
        report.age = age_label(report.received_at, now)
    log_list("discovery.report.listed", user=request.user, params=request.GET,
             count=len(page.object_list), total=page.paginator.count)
    params = request.GET.copy()
    params.pop("page", None)
    can_edit = services.can_edit_reports(request.user)
    return render(request, "discovery/reports/queue.html", {
        "form": form, "page": page, "query_string": params.urlencode(), "now": now, "can_edit": can_edit,
        "assign_form": AssignForm(user=request.user) if can_edit else None,
        "quick_outcomes": QuickResolveForm.base_fields["outcome"].choices,
        "filtered": form.filtered, "here": request.get_full_path(),
    })


def queue_export(request: HttpRequest) -> HttpResponse:
    """The queue as filtered, as Excel: the reason page, then the file (discovery.exports)."""
    if not can(request.user, "triage_reports"):
        raise PermissionDenied
    form = QueueFilterForm(request.GET or None, user=request.user)
    queryset = triage_queryset(request.user, form, timezone.now()).select_related(*QUEUE_RELATED)
    back = reverse("discovery:queue") + (f"?{request.GET.urlencode()}" if request.GET else "")
    return export_page(request, title=_("제보 목록 내려받기"), back=back, count=queryset.count(),
                       make=lambda reason: reports_export(by=request.user, queryset=queryset, reason=reason,
                                                          params=request.GET))


@require_POST
def queue_assign(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = AssignForm(request.POST, user=request.user)
    back = _safe_next(request, reverse("discovery:queue"))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        result = services.reports_assign(reports=form.cleaned_data["ids"], by=request.user,
                                         to_user=form.cleaned_data["to_user"], dong=form.cleaned_data["dong"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if result.done:
        messages.success(request, ngettext("제보 %(n)s건을 배정했습니다.", "제보 %(n)s건을 배정했습니다.",
                                           result.done) % {"n": result.done})
    if result.not_in_dong:
        messages.warning(request, _("%(n)s건은 담당자가 그 동의 직원이 아니거나 동을 정할 수 없어 배정하지 않았습니다.")
                         % {"n": result.not_in_dong})
    if result.skipped:
        messages.warning(request, _("%(n)s건은 볼 수 없거나 이미 처리된 제보여서 건너뛰었습니다.") % {"n": result.skipped})
    return redirect(back)


@require_POST
def report_quick_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """No need, duplicate or referred, straight from the queue row: the reason is required."""
    _require_editor(request)
    report = _report(request, pk)
    form = QuickResolveForm(request.POST)
    back = _safe_next(request, reverse("discovery:queue"))
    if not form.is_valid():
        messages.error(request, _("%(code)s: %(errors)s") % {
            "code": report.receipt_code,
            "errors": " ".join(str(e) for errors in form.errors.values() for e in errors)})
        return redirect(back)
    data = form.cleaned_data
    duplicate_of = None
    if data["outcome"] == "duplicate":
        duplicate_of = _find_by_code(request, data["duplicate_code"])
    try:
        services.report_resolve(report=report, by=request.user, outcome=data["outcome"], reason=data["reason"],
                                duplicate_of=duplicate_of)
    except ValidationError as error:
        messages.error(request, _("%(code)s: %(errors)s") % {"code": report.receipt_code,
                                                              "errors": " ".join(error.messages)})
        return redirect(back)
    messages.success(request, _("%(code)s 제보를 '%(outcome)s'(으)로 처리했습니다.") % {
        "code": report.receipt_code, "outcome": dict(form.fields["outcome"].choices)[data["outcome"]]})
    return redirect(back)


def _find_by_code(request: HttpRequest, code: str) -> CrisisReport | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return CrisisReport.objects.visible_to(request.user).filter(receipt_code=code).first()


# --- A new report ----------------------------------------------------------------------------------------------


def report_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    if request.method == "POST" and ReportForm.finding_member(request.POST):
        form = ReportForm.redrawn(request.POST, user=request.user)  # a search for the reporting member: nothing saved
        return render(request, "discovery/reports/form.html", {"form": form})
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_take(form.report_input(), by=request.user)
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("제보를 접수했습니다. 접수번호 %(code)s") % {"code": report.receipt_code})
            return redirect("discovery:report_detail", pk=report.pk)
    return render(request, "discovery/reports/form.html", {"form": form})


# --- The screening page ----------------------------------------------------------------------------------------


LIST_CHANNELS = (Channel.BIGDATA, Channel.LONELY_DEATH)


def _detail(request: HttpRequest, report: CrisisReport, *, attempt_form: AttemptForm | None = None,
            resolve_form: ResolveForm | None = None, look_form: NetworkLookForm | None = None,
            status: int = 200) -> HttpResponse:
    user = request.user
    can_edit = services.can_edit_reports(user)
    is_open = report.status != ReportStatus.RESOLVED
    candidates = services.report_candidates(report, user=user) if is_open and report.household_id is None else []
    identity = None
    if services.can_view_reporter(user, report):
        identity = ReporterIdentity.objects.filter(report=report).first()
        if identity is not None:
            log_action(report, "discovery.reporter.viewed", user=user, household_id=report.household_id)
    attempts = list(ContactAttempt.objects.filter(report=report).select_related("by"))
    merges = []
    if report.household_id is not None:
        merges = list(HouseholdMerge.objects.filter(survivor_id=report.household_id).select_related("by"))
    log_action(report, "discovery.crisisreport.viewed", user=user, household_id=report.household_id)
    context = {
        "report": report, "is_open": is_open, "can_edit": can_edit and is_open,
        "candidates": candidates, "look_alike": services.look_alike_pairs(candidates),
        "identity": identity, "attempts": attempts, "merges": merges,
        "attempts_needed": services.attempts_needed(report) if is_open else 0,
        "attempt_form": attempt_form or AttemptForm(),
        "resolve_form": resolve_form or ResolveForm(report=report, user=user),
        "assign_form": AssignForm(user=user) if can_edit and is_open else None,
        "duplicates": list(report.duplicates.visible_to(user).only("pk", "receipt_code")) if report.pk else [],
        "now": timezone.now(),
        # A report from a Ministry list: its round and answer (one truth with the outcome, services.answers).
        "target": (BigDataTarget.objects.filter(report=report).select_related("round").first()
                   if report.channel in LIST_CHANNELS else None),
        "attachments": with_owners(Attachment.objects.live().of(REPORT.key, report.pk).select_related("added_by")),
        "attachment_owner": f"{REPORT.key}:{report.pk}", "may_add": can_edit,
        # The public door's request (issue 20) and the messages sent about it (masked numbers only).
        "public_request": PublicRequest.objects.filter(report=report).first(),
        "look_form": (look_form or NetworkLookForm(report=report)) if can_edit and is_open and report.dong_id else None,
        "messages_sent": list(OutboundMessage.objects.filter(ref=f"discovery.crisisreport:{report.pk}")
                              .defer("phone").order_by("created_at")),
    }
    if report.household_id is not None:
        household = report.household
        context["residents"] = list(household.residents.current().prefetch_related("consents"))
    return render(request, "discovery/reports/detail.html", context, status=status)


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _report(request, pk))


@require_POST
def report_link(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    report = _report(request, pk)
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=given_id(request.POST.get("household")))
    try:
        services.report_link_household(report=report, household=household, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("제보를 세대(%(address)s)에 연결했습니다.") % {"address": household.full_address})
    return redirect("discovery:report_detail", pk=report.pk)


def report_household_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new household for a report that matches none, prefilled from the report."""
    _require_editor(request)
    report = _report(request, pk)
    if report.status == ReportStatus.RESOLVED or report.household_id is not None:
        messages.error(request, _("이미 세대에 연결되었거나 처리 완료된 제보입니다."))
        return redirect("discovery:report_detail", pk=report.pk)
    initial = {"dong": report.dong_id, "road_address": report.subject_address, "housing_type": "other",
               "risk_level": "high" if report.urgency == Urgency.URGENT else "medium"}
    form = HouseholdForm(request.POST or None, user=request.user, initial=initial)
    head_given = request.method == "POST" and (request.POST.get("head-name") or "").strip()
    head = HeadForm(request.POST if head_given else None,
                    initial={"name": report.subject_name, "phone": report.subject_phone})
    if request.method == "POST" and form.is_valid() and (not head_given or head.is_valid()):
        try:
            household = services.report_create_household(
                report=report, by=request.user, data=form.cleaned_data,
                head=head.cleaned_data if head_given else None)
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("새 세대를 만들고 제보에 연결했습니다."))
            return redirect(f"{reverse('discovery:report_detail', args=[report.pk])}#household-{household.pk}")
    return render(request, "discovery/reports/household_form.html", {"form": form, "head": head, "report": report})


@require_POST
def report_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    report = _report(request, pk)
    form = AttemptForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_attempt_record(report=report, by=request.user, method=data["method"],
                                            reached=data["reached"], note=data["note"], at=data["at"])
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("접촉 시도를 기록했습니다."))
            return redirect(f"{reverse('discovery:report_detail', args=[report.pk])}#attempts")
    return _detail(request, report, attempt_form=form)


@require_POST
def report_network_look(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    report = _report(request, pk)
    form = NetworkLookForm(request.POST, report=report)
    if form.is_valid():
        try:
            services.network_look_request(report=report, member=form.cleaned_data["member"],
                                          note=form.cleaned_data["note"], by=request.user)
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("인적안전망 구성원에게 살펴봐 달라고 문자를 보냈습니다."))
            return redirect(f"{reverse('discovery:report_detail', args=[report.pk])}#network-look")
    return _detail(request, report, look_form=form)


@require_POST
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    report = _report(request, pk)
    form = ResolveForm(request.POST, report=report, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        duplicate_of = _find_by_code(request, data["duplicate_code"])
        if data["outcome"] == "duplicate" and data["duplicate_code"] and duplicate_of is None:
            form.add_error("duplicate_code", _("그 접수번호의 제보를 찾을 수 없습니다."))
        else:
            try:
                services.report_resolve(
                    report=report, by=request.user, outcome=data["outcome"], reason=data["reason"],
                    case_data={"client": data["client"], "case_class": data["case_class"]},
                    link_data={"resource": data["resource"]}, duplicate_of=duplicate_of,
                    handoff_note=data["handoff_note"])
            except RuleError as error:
                show_on_form(form, error)
                if "duplicate_of" in getattr(error, "error_dict", {}):
                    form.add_error("duplicate_code", error.error_dict["duplicate_of"])
            else:
                messages.success(request, _("제보를 처리 완료했습니다."))
                return redirect("discovery:report_detail", pk=report.pk)
    return _detail(request, report, resolve_form=form)


# --- Household merge -----------------------------------------------------------------------------------------


def household_merge(request: HttpRequest) -> HttpResponse:
    """Two households side by side; the official picks the survivor and gives a reason."""
    _require_editor(request)
    visible = Household.objects.visible_to(request.user).select_related("dong__district", "assigned_official")
    source = request.POST if request.method == "POST" else request.GET
    try:
        a_id, b_id = int(source.get("a") or 0), int(source.get("b") or 0)
    except ValueError:
        a_id = b_id = 0
    a = get_object_or_404(visible.prefetch_related(
        Prefetch("residents", queryset=_current_residents(), to_attr="current_residents")), pk=a_id)
    b = get_object_or_404(visible.prefetch_related(
        Prefetch("residents", queryset=_current_residents(), to_attr="current_residents")), pk=b_id)
    form = MergeForm(request.POST or None, a=a, b=b)
    if request.method == "POST" and form.is_valid():
        survivor, duplicate = (a, b) if form.cleaned_data["survivor"] == str(a.pk) else (b, a)
        try:
            merge = services.household_merge(survivor=survivor, duplicate=duplicate, by=request.user,
                                             reason=form.cleaned_data["reason"])
        except RuleError as error:
            show_on_form(form, error)
        else:
            moved = sum(v for k, v in merge.moved.items() if k not in ("followups_cancelled", "heads_demoted"))
            messages.success(request, _("세대 #%(dup)s을(를) #%(survivor)s(으)로 병합했습니다. 옮긴 기록 %(n)s건.") % {
                "dup": merge.duplicate_id, "survivor": survivor.pk, "n": moved})
            return redirect("households:detail", pk=survivor.pk)
    sides = [(h, services.merge_counts(h)) for h in (a, b)]
    return render(request, "discovery/reports/merge.html", {
        "form": form, "a": a, "b": b, "sides": sides, "same_district": a.dong.district_id == b.dong.district_id,
        "back": request.GET.get("report"),
    })


def _current_residents():
    from households.models import Resident

    return Resident.objects.filter(left_on__isnull=True).order_by("relation", "id")


urlpatterns = [
    path("reports/", queue, name="queue"),
    path("reports/assign/", queue_assign, name="queue_assign"),
    path("reports/export/", queue_export, name="queue_export"),
    path("reports/new/", report_create, name="report_create"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/quick/", report_quick_resolve, name="report_quick_resolve"),
    path("reports/<int:pk>/link/", report_link, name="report_link"),
    path("reports/<int:pk>/household/new/", report_household_new, name="report_household_new"),
    path("reports/<int:pk>/attempts/", report_attempt, name="report_attempt"),
    path("reports/<int:pk>/resolve/", report_resolve, name="report_resolve"),
    path("reports/<int:pk>/network-look/", report_network_look, name="report_network_look"),
    path("merge/", household_merge, name="household_merge"),
]
