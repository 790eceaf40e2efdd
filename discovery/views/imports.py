"""List imports: upload, the batch page with its live progress (or "중단됨 — 다시 시작"), the restart action, the
error rows (page and CSV), the list."""

from __future__ import annotations

import csv
import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from welfare.audit import log_action
from welfare.common.cells import safe_row
from welfare.common.masking import mask_rrns
from welfare.errors import RuleError

from ..imports import (
    ImportFileError,
    NewRound,
    batch_restart,
    batches_visible_to,
    can_upload,
    file_format,
    too_big_message,
    upload_district_id,
    upload_list,
)
from ..models import (
    ROUND_LISTS,
    BigDataRound,
    ImportBatch,
    ImportKind,
    ImportRowError,
    ImportStatus,
    UnmappedIndicator,
)

PER_PAGE = 25
ERRORS_PER_PAGE = 50
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RUNNING = (ImportStatus.PENDING, ImportStatus.RUNNING)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("명단 종류"), choices=ImportKind.choices, widget=forms.RadioSelect,
                             initial=ImportKind.CRISIS_LIST)
    round = forms.ModelChoiceField(label=gettext_lazy("차수"), queryset=BigDataRound.objects.none(), required=False,
                                   empty_label=gettext_lazy("— 새 차수 만들기 —"),
                                   help_text=gettext_lazy("복지사각지대·고독사위기대응 명단만: 그 명단의 차수를 고르거나 "
                                                          "아래에 새 차수를 적으세요."))
    new_year = forms.IntegerField(label=gettext_lazy("새 차수: 연도"), required=False, min_value=2000, max_value=2100)
    new_number = forms.IntegerField(label=gettext_lazy("새 차수: 차수(복지사각지대 1–6, 고독사 1–4)"), required=False,
                                    min_value=1, max_value=6)
    new_received_on = forms.DateField(label=gettext_lazy("새 차수: 수신일"), required=False, widget=DATE_WIDGET)
    new_due_on = forms.DateField(label=gettext_lazy("새 차수: 회신 기한"), required=False, widget=DATE_WIDGET)
    file = forms.FileField(label=gettext_lazy("파일(CSV 또는 XLSX)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}))

    NEW_FIELDS = ("new_year", "new_number", "new_received_on", "new_due_on")

    def __init__(self, *args, district_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = BigDataRound.objects.filter(district_id=district_id).order_by(
            "-received_on", "-year", "-number", "system")
        self.content = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(too_big_message())
        self.content = b"".join(upload.chunks())
        try:
            file_format(self.content)
        except ImportFileError as exc:
            raise ValidationError(str(exc)) from exc
        return upload

    def clean(self):
        data = super().clean()
        kind, round_ = data.get("kind"), data.get("round")
        if kind in ROUND_LISTS and round_ is not None and round_.system != ROUND_LISTS[kind]:
            self.add_error("round", _("%(round)s은(는) 이 명단의 차수가 아닙니다: %(list)s 차수를 고르세요.") % {
                "round": round_, "list": ImportKind(kind).label})
        if kind not in ROUND_LISTS or round_:
            return data
        given = [f for f in self.NEW_FIELDS if data.get(f) not in (None, "")]
        if not given and not any(self.errors.get(f) for f in self.NEW_FIELDS):
            self.add_error("round", _("빅데이터 명단은 차수를 고르거나 새 차수를 적어야 합니다."))
        for name in self.NEW_FIELDS:
            if given and name not in given and name not in self.errors:
                self.add_error(name, _("새 차수를 만들려면 이 칸도 적으세요."))
        received, due = data.get("new_received_on"), data.get("new_due_on")
        if received and due and due < received:
            self.add_error("new_due_on", _("회신 기한은 수신일보다 빠를 수 없습니다."))
        return data

    @property
    def wants_new_round(self) -> bool:
        return self.cleaned_data.get("kind") in ROUND_LISTS and not self.cleaned_data.get("round")


def _require_uploader(request: HttpRequest) -> None:
    if not can_upload(request.user):
        raise PermissionDenied


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    """Another district's batch (or, for a team lead, another uploader's) is 404, as if it did not exist."""
    _require_uploader(request)
    return get_object_or_404(batches_visible_to(request.user).select_related("round", "uploaded_by").defer("content"),
                             pk=pk)


def import_list(request: HttpRequest) -> HttpResponse:
    _require_uploader(request)
    batches = batches_visible_to(request.user).select_related("round", "uploaded_by")
    page = Paginator(batches.order_by("-uploaded_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "discovery/imports/list.html", {
        "page": page, "query_string": "", "may_upload": upload_district_id(request.user) is not None})


def import_create(request: HttpRequest) -> HttpResponse:
    _require_uploader(request)
    district_id = upload_district_id(request.user)
    if district_id is None:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, district_id=district_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_round = NewRound(year=data["new_year"], number=data["new_number"],
                                       received_on=data["new_received_on"],
                                       due_on=data["new_due_on"]) if form.wants_new_round else None
        try:
            batch, outcome = upload_list(by=request.user, kind=data["kind"], round=data.get("round"),
                                         new_round=new_round, file_name=data["file"].name, content=form.content)
        except RuleError as error:
            form.add_error(None, error)
        else:
            if outcome == "created":
                messages.success(request, _("명단을 올렸습니다. 처리 상황이 이 화면에 나타납니다."))
            elif outcome == "restarted":
                messages.info(request, _("같은 파일을 %(day)s에 이미 올렸는데 처리가 멈춰 있었습니다. 멈춘 곳부터 이어서 "
                                         "처리합니다(이미 등록한 행은 다시 등록하지 않습니다).") % {
                    "day": f"{timezone.localtime(batch.uploaded_at):%Y-%m-%d %H:%M}"})
            else:
                messages.info(request, _("같은 파일을 %(day)s에 이미 올렸습니다. 새로 등록한 것은 없습니다.") % {
                    "day": f"{timezone.localtime(batch.uploaded_at):%Y-%m-%d %H:%M}"})
                if not batches_visible_to(request.user).filter(pk=batch.pk).exists():
                    return redirect("discovery:import_list")
            return redirect("discovery:import_detail", pk=batch.pk)
    return render(request, "discovery/imports/create.html", {
        "form": form, "max_mb": f"{settings.IMPORT_MAX_BYTES / (1024 * 1024):g}",
    })


def running(batch: ImportBatch) -> bool:
    """Waiting or running, and alive: a stalled batch is not "running" (its page offers "다시 시작")."""
    return batch.status in RUNNING and not batch.is_stalled


def status_label(batch: ImportBatch) -> str:
    return _("중단됨") if batch.is_stalled else str(batch.get_status_display())


def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    errors = ImportRowError.objects.filter(batch=batch).only("line", "reason", "raw").order_by("line")
    page = Paginator(errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    # The names this list used that the catalogue does not know yet, with their targets: one grouped query.
    unmapped = (UnmappedIndicator.objects.filter(targets__report__import_batch=batch, mapped_to__isnull=True)
                .annotate(n=Count("targets")).order_by("-n", "name")[:50]) if batch.kind in ROUND_LISTS else []
    return render(request, "discovery/imports/detail.html", {
        "batch": batch, "page": page, "query_string": "", "running": running(batch), "unmapped": list(unmapped),
        "stalled": batch.is_stalled, "status_label": status_label(batch),
        "may_upload": upload_district_id(request.user) is not None,
        "dropped_message": dropped_message(batch) if batch.error_rows_dropped else "",
        "upload_retention_days": settings.IMPORT_UPLOAD_RETENTION_DAYS,
    })


@require_POST
def import_restart(request: HttpRequest, pk: int) -> HttpResponse:
    """"다시 시작": the batch goes on from its last committed line (discovery.imports.batch_restart)."""
    batch = _batch(request, pk)
    try:
        batch_restart(by=request.user, batch_id=batch.pk)
    except RuleError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("멈춘 곳(%(line)s번째 줄 다음)부터 이어서 처리합니다.") % {"line": batch.resume_line})
    return redirect("discovery:import_detail", pk=batch.pk)


PROGRESS_FIELDS = ("status", "total_rows", "processed_rows", "created_count", "duplicate_count", "error_count",
                   "error_rows_dropped", "error_message", "uploaded_at", "started_at", "heartbeat_at")


def progress_payload(batch: ImportBatch) -> dict:
    return {
        "status": "interrupted" if batch.is_stalled else batch.status, "status_label": status_label(batch),
        "running": running(batch), "total": batch.total_rows, "processed": batch.processed_rows,
        "percent": batch.progress_percent if batch.total_rows else 0, "created": batch.created_count,
        "duplicates": batch.duplicate_count, "errors": batch.error_count, "error_message": batch.error_message,
    }


def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled every second by the batch page: one small query, never the uploaded bytes."""
    _require_uploader(request)
    batch = get_object_or_404(batches_visible_to(request.user).only(*PROGRESS_FIELDS), pk=pk)
    response = JsonResponse(progress_payload(batch))
    response["Cache-Control"] = "no-store"
    return response


def dropped_message(batch: ImportBatch) -> str:
    return _("오류 행이 많아 처음 %(kept)s행만 보관했습니다. 나머지 %(dropped)s행은 세기만 했습니다: 파일을 고쳐 다시 "
             "올려 주세요.") % {"kept": f"{batch.error_rows_kept:,}", "dropped": f"{batch.error_rows_dropped:,}"}


def import_errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The refused rows as CSV: UTF-8 with a BOM (Excel reads Korean), formula-like cells neutralised."""
    batch = _batch(request, pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row([_("행 번호"), _("사유"), _("원본")]))
    rows = ImportRowError.objects.filter(batch=batch).order_by("line").values_list("line", "reason", "raw")
    for line, reason, raw in rows.iterator(chunk_size=2000):
        writer.writerow(safe_row([line, mask_rrns(reason), mask_rrns(raw)]))
    if batch.error_rows_dropped:
        writer.writerow(safe_row(["", dropped_message(batch), ""]))
    log_action(batch, "discovery.importerrors.exported", user=request.user, reason=_("업로드 오류 행 확인"),
               changes={"rows": batch.error_count})
    response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import_{batch.pk}_errors.csv"'
    return response


urlpatterns = [
    path("imports/", import_list, name="import_list"),
    path("imports/new/", import_create, name="import_create"),
    path("imports/<int:pk>/", import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", import_progress, name="import_progress"),
    path("imports/<int:pk>/restart/", import_restart, name="import_restart"),
    path("imports/<int:pk>/errors.csv", import_errors_csv, name="import_errors_csv"),
]
