"""The reporting channels' pages: the businesses that keep memo pads and posters with their tips counted per
channel, the printable A6 memo-pad sheet and A4 poster with a QR code (segno, server-side SVG), and the KakaoTalk
chatbot-skill webhook (shared secret) that creates a report."""

from __future__ import annotations

import hmac
import json

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from welfare.errors import RuleError, show_on_form
from welfare.models import District, Dong
from welfare.scoping import membership, personal_dong_ids

from ..models import Channel, CrisisReport, ReportSource, SourceKind
from ..services import channels as services

PER_PAGE = 50


class SourceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("업소명"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("업종"), choices=SourceKind.choices)
    dong = forms.ModelChoiceField(label=gettext_lazy("행정동"), queryset=Dong.objects.none(), required=False)
    pads_given = forms.IntegerField(label=gettext_lazy("배부한 메모지·포스터"), min_value=0, initial=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dong"].queryset = Dong.objects.filter(pk__in=personal_dong_ids(user)).order_by("name")


def _district(request: HttpRequest) -> District:
    if not services.may_keep_sources(request.user):
        raise PermissionDenied
    return membership(request.user).district


def source_list(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    form = SourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.source_save(by=request.user, district=district, **form.cleaned_data)
            messages.success(request, _("업소를 등록했습니다."))
            return redirect("discovery:source_list")
        except RuleError as error:
            show_on_form(form, error)
    sources = ReportSource.objects.filter(district=district).select_related("dong").order_by("name", "pk")
    page = Paginator(sources, PER_PAGE).get_page(request.GET.get("page"))
    # Tips per business and channel: one grouped query for the page's businesses.
    counts: dict[int, dict[str, int]] = {}
    for row in (CrisisReport.objects.filter(source__in=[s.pk for s in page.object_list])
                .values("source_id", "channel").annotate(n=Count("pk")).order_by()):
        counts.setdefault(row["source_id"], {})[row["channel"]] = row["n"]
    labels = dict(Channel.choices)
    rows = [{"source": s, "total": sum(counts.get(s.pk, {}).values()),
             "by_channel": [(labels[c], n) for c, n in sorted(counts.get(s.pk, {}).items())]}
            for s in page.object_list]
    return render(request, "discovery/channels/list.html", {"form": form, "page": page, "rows": rows})


def _report_url(request: HttpRequest, source: ReportSource) -> str:
    path_ = f"{reverse('report:create')}?src={source.token}"
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path_}" if base else request.build_absolute_uri(path_)


def source_print(request: HttpRequest, pk: int) -> HttpResponse:
    district = _district(request)
    source = get_object_or_404(ReportSource, pk=pk, district=district)
    size = "a4" if request.GET.get("size") == "a4" else "a6"
    url = _report_url(request, source)
    qr = segno.make(url, error="m")
    # segno writes the SVG itself from the URL (no user markup); the title is escaped by segno.
    svg = mark_safe(qr.svg_inline(scale=8 if size == "a4" else 5, title=_("제보 QR 코드")))  # noqa: S308
    return render(request, "discovery/channels/print.html", {
        "source": source, "size": size, "url": url, "svg": svg, "district": district,
    })


@csrf_exempt
@login_not_required
@require_POST
def kakao_skill(request: HttpRequest, district_id: int) -> HttpResponse:
    """Kakao i Open Builder skill: POST of the skill request body; answers the skill response (version 2.0)."""
    secret = settings.KAKAO_SKILL_SECRET
    if not secret:
        raise Http404
    given = request.headers.get("X-Skill-Secret", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return JsonResponse({"detail": "forbidden"}, status=403)
    district = get_object_or_404(District, pk=district_id)
    try:
        tip = services.kakao_tip(json.loads(request.body or b"null"))
        report = services.kakao_report(district=district, tip=tip)
    except (ValueError, RuleError) as error:
        text = " ".join(error.messages) if isinstance(error, RuleError) else _("요청을 읽을 수 없습니다.")
        return JsonResponse(_skill_text(_("제보를 접수하지 못했습니다: %(why)s") % {"why": text}))
    return JsonResponse(_skill_text(
        _("제보가 접수되었습니다. 접수번호 %(code)s. 담당 공무원이 확인하겠습니다.") % {"code": report.receipt_code}))


def _skill_text(text: str) -> dict:
    return {"version": "2.0", "template": {"outputs": [{"simpleText": {"text": text}}]}}


urlpatterns = [
    path("channels/", source_list, name="source_list"),
    path("channels/<int:pk>/print/", source_print, name="source_print"),
]
kakao_urlpatterns = [path("kakao/<int:district_id>/", kakao_skill, name="kakao")]
