"""Rounds of the Ministry's lists (the blind-spot list and the lonely-death list): the list, a round's progress
per dong with a dong's targets and their answers, the export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from welfare.audit import log_list
from welfare.common.requests import given_id
from welfare.errors import RuleError
from welfare.models import Dong
from welfare.scoping import membership, personal_dong_ids

from ..models import BigDataTarget, ListSystem
from ..services import rounds as services

PER_PAGE = 25
TARGETS_PER_PAGE = 25


class AnswerForm(forms.Form):
    """One target's answer; its choices are what the service would accept for it (:func:`answer_choices`).
    Lengths are the service's to check, in its own words."""

    result_code = forms.ChoiceField(label=gettext_lazy("조사 결과"))
    note = forms.CharField(label=gettext_lazy("메모"), required=False)
    ssis_ref = forms.CharField(label=gettext_lazy("행복e음 관리번호"), required=False)

    def __init__(self, *args, target: BigDataTarget, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_code"].choices = [("", gettext_lazy("— 결과 선택 —")), *services.answer_choices(target)]
        self.fields["note"].widget.attrs["placeholder"] = gettext_lazy("메모·사유")
        self.fields["ssis_ref"].widget.attrs["placeholder"] = gettext_lazy("행복e음 관리번호")


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("파일 형식"), widget=forms.RadioSelect, initial="xlsx",
                               choices=(("xlsx", "XLSX"), ("csv", gettext_lazy("CSV (UTF-8, 엑셀 호환)"))))
    reason = forms.CharField(label=gettext_lazy("내려받는 사유"), min_length=2, max_length=300,
                             help_text=gettext_lazy("개인정보 접속기록에 남습니다(개인정보 보호법)."),
                             widget=forms.TextInput(attrs={"placeholder": gettext_lazy("예: 보건복지부 회신 자료 작성")}))


def _require_staff(request: HttpRequest) -> None:
    if not (request.user.is_superuser or membership(request.user) is not None):
        raise PermissionDenied


def _round(request: HttpRequest, pk: int):
    _require_staff(request)
    return get_object_or_404(services.rounds_visible_to(request.user), pk=pk)


def round_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    system = request.GET.get("system", "")
    system = system if system in ListSystem.values else ""
    page = Paginator(services.rounds_with_counts(request.user, system), PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = []
    for r in page.object_list:
        left = services.days_left(r, today)
        rows.append((r, left, r.target_count - r.answered_count, -left))
    return render(request, "discovery/rounds/list.html", {
        "page": page, "rows": rows, "query_string": urlencode({"system": system}) if system else "",
        "due_soon": services.DUE_SOON_DAYS, "systems": ListSystem.choices, "system": system,
    })


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    progress = services.round_progress(round_, request.user)
    dong, page, forms_by_target, open_only = None, None, {}, request.GET.get("open") == "1"
    # The dongs whose targets this user may list (a district role sees the progress of every dong, the names only).
    personal = personal_dong_ids(request.user)
    if request.GET.get("dong"):
        # Another dong's targets answer 404, as if the dong did not exist.
        dong = get_object_or_404(Dong.objects.filter(district_id=round_.district_id, pk__in=personal),
                                 pk=given_id(request.GET["dong"]))
        targets = services.dong_targets(round_, dong)
        if open_only:
            targets = targets.filter(result_code="")
        page = Paginator(targets, TARGETS_PER_PAGE).get_page(request.GET.get("page"))
        if services.can_answer(request.user, dong.pk):
            forms_by_target = {t.pk: AnswerForm(initial={"result_code": t.result_code, "note": t.result_note,
                                                         "ssis_ref": t.ssis_ref},
                                                prefix=f"t{t.pk}", target=t) for t in page.object_list}
    query = {"dong": dong.pk} if dong else {}
    if open_only:
        query["open"] = "1"
    rows = [(t, forms_by_target.get(t.pk), services.linked_services(t)) for t in page.object_list] if page else []
    log_list("discovery.bigdataround.viewed", user=request.user, params=request.GET, obj=round_,
             count=len(rows), total=page.paginator.count if page else 0)
    return render(request, "discovery/rounds/detail.html", {
        "round": round_, "progress": progress, "dong": dong, "page": page, "rows": rows, "open_only": open_only,
        "query_string": urlencode(query), "days_left": services.days_left(round_),
        "days_late": -services.days_left(round_),
        "due_soon": services.DUE_SOON_DAYS, "can_export": bool(personal), "open_dongs": personal,
        "totals": (sum(p.targets for p in progress), sum(p.answered for p in progress)),
    })


@require_POST
def round_target_answer(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    target = get_object_or_404(
        BigDataTarget.objects.filter(dong_id__in=personal_dong_ids(request.user),
                                     round__in=services.rounds_visible_to(request.user))
        .select_related("report"), pk=pk)
    back = reverse("discovery:round_detail", args=[target.round_id]) + "?" + urlencode(
        {k: v for k, v in (("dong", target.dong_id), ("page", request.POST.get("page", "")),
                           ("open", request.POST.get("open", ""))) if v})
    # An answer this target cannot take is the service's to refuse, in its words (it says why and what may be).
    chosen = request.POST.get(f"t{target.pk}-result_code", "")
    if not chosen:
        messages.error(request, _("%(code)s: 조사 결과를 고르세요.") % {"code": target.report.receipt_code})
        return redirect(back)
    try:
        services.bigdata_target_answer(target=target, by=request.user, result_code=chosen,
                                       note=request.POST.get(f"t{target.pk}-note", ""),
                                       ssis_ref=request.POST.get(f"t{target.pk}-ssis_ref", ""))
    except RuleError as error:
        messages.error(request, f"{target.report.receipt_code}: {' '.join(error.messages)}")
    else:
        messages.success(request, _("%(code)s 결과를 저장했습니다.") % {"code": target.report.receipt_code})
    return redirect(back + f"#t{target.pk}")


def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if not personal_dong_ids(request.user):
        raise PermissionDenied
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            export = services.round_export(round_=round_, by=request.user, reason=form.cleaned_data["reason"],
                                           fmt=form.cleaned_data["format"])
        except RuleError as error:
            form.add_error(None, error)
        else:
            # Streamed: the file is written while it is sent.
            response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
            response["Content-Disposition"] = f'attachment; filename="{export.name}"'
            return response
    return render(request, "discovery/rounds/export.html", {"round": round_, "form": form})


urlpatterns = [
    path("rounds/", round_list, name="round_list"),
    path("rounds/<int:pk>/", round_detail, name="round_detail"),
    path("rounds/<int:pk>/export/", round_export, name="round_export"),
    path("rounds/targets/<int:pk>/answer/", round_target_answer, name="round_target_answer"),
]
