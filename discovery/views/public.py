"""The public front door at /report/ (no login): two doors — "도움이 필요해요 (나)" (a request for oneself) and
"이웃이 걱정돼요 (이웃)" (a tip about a neighbour, anonymous possible) — the address suggestions, and the status
page where a receipt code with its PIN (or the phone given) shows the request's progress.

Protected against abuse: per-address rate limits in the shared cache (``PUBLIC_REPORT_RATE_PER_HOUR`` submissions,
``PUBLIC_STATUS_RATE_PER_HOUR`` status look-ups, ``PUBLIC_ADDRESS_RATE_PER_HOUR`` suggestions per client address
and hour), a honeypot field that robots fill in (they are told "thank you" and nothing is saved), size limits on
every field and on the body (a photo: ``PUBLIC_REPORT_PHOTO_MAX_BYTES``), CSRF, and everything escaped on display.
The receipt code and PIN reach the receipt page through the session; the PIN never appears in a URL (the code
alone, in the status link, opens nothing). A wrong PIN answers as an unknown code does.
"""

from __future__ import annotations

import dataclasses
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET

from welfare.common.net import client_ip
from welfare.errors import RuleError

from .. import services
from ..forms import FORMS, StatusForm
from ..models import PublicStage, RequestKind

SESSION_KEY = "public_report_code"
SESSION_PIN = "public_report_pin"
RATE_WINDOW = 3600


def _rate_key(request: HttpRequest, bucket: str = "public-report") -> str:
    return f"{bucket}:{client_ip(request) or 'unknown'}:{int(time.time() // RATE_WINDOW)}"


def _rate_exceeded(request: HttpRequest, bucket: str = "public-report", limit: int | None = None) -> bool:
    limit = settings.PUBLIC_REPORT_RATE_PER_HOUR if limit is None else limit
    return (cache.get(_rate_key(request, bucket)) or 0) >= limit


def _count_submission(request: HttpRequest, bucket: str = "public-report") -> None:
    key = _rate_key(request, bucket)
    cache.add(key, 0, RATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)


def _done(request: HttpRequest, code: str, pin: str) -> HttpResponse:
    request.session[SESSION_KEY] = code
    request.session[SESSION_PIN] = pin
    return redirect("report:done")


def _door(value: str | None) -> str:
    return value if value in RequestKind.values else RequestKind.NEIGHBOUR


def _page(request: HttpRequest, form, status: int = 200) -> HttpResponse:
    return render(request, "discovery/public/form.html", {"form": form, "door": form.door}, status=status)


@login_not_required
def create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        # ``src``: the business whose memo pad or poster QR code opened the form (issue 17), carried on submit.
        source = request.GET.get("src", "")[:20]
        return _page(request, FORMS[_door(request.GET.get("door"))](initial={"src": source}))
    if _rate_exceeded(request):
        return render(request, "discovery/public/too_many.html", status=429)
    form = FORMS[_door(request.POST.get("door"))](request.POST, request.FILES)
    if form.is_robot:
        # Pretend it worked: a robot learns nothing, and nothing is saved.
        _count_submission(request)
        return _done(request, services.new_receipt_code(), "000000")
    if form.is_valid():
        given = form.report_input()
        member = services.partner_of(request.user) if form.door == RequestKind.NEIGHBOUR else None
        if member is not None:  # a partner signed in: the report is filed under their name (issue 20 item 5)
            given = dataclasses.replace(given, partner=member.pk)
        try:
            submitted = services.public_request_submit(given)
        except RuleError as error:
            form.add_rule_error(error)
        else:
            _count_submission(request)
            return _done(request, submitted.report.receipt_code, submitted.pin)
    return _page(request, form)


@login_not_required
def done(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SESSION_KEY)
    if not code:
        return redirect("report:create")
    response = render(request, "discovery/public/done.html", {"code": code, "pin": request.session.get(SESSION_PIN)})
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_GET
def addresses(request: HttpRequest) -> JsonResponse:
    """Road names and dongs for the suggestion box (never a household); rate-limited per client address."""
    if _rate_exceeded(request, "public-address", settings.PUBLIC_ADDRESS_RATE_PER_HOUR):
        return JsonResponse({"results": [], "error": "rate_limited"}, status=429)
    _count_submission(request, "public-address")
    return JsonResponse({"results": services.address_suggestions(request.GET.get("q", ""))})


@login_not_required
def status(request: HttpRequest) -> HttpResponse:
    """The receipt code and PIN (or phone) → the request's four steps and its plain-language result. Every look-up
    counts against the address's hourly limit; a wrong PIN and an unknown code get the same answer."""
    found = None
    if request.method == "POST":
        if _rate_exceeded(request, "public-status", settings.PUBLIC_STATUS_RATE_PER_HOUR):
            return render(request, "discovery/public/too_many.html", status=429)
        form = StatusForm(request.POST)
        if form.is_valid():
            _count_submission(request, "public-status")
            found = services.public_request_lookup(form.cleaned_data["code"], form.cleaned_data["secret"])
            if found is None:
                form.add_error(None, _not_found())
    else:
        form = StatusForm(initial={"code": (request.GET.get("code") or "")[:16]})
    context = {"form": form, "found": found}
    if found is not None:
        stage = services.public_stage(found.report)
        order = list(PublicStage.values)
        context.update(stage=stage, result=services.public_result(found),
                       steps=[(value, label, order.index(value) <= order.index(stage))
                              for value, label in PublicStage.choices])
    response = render(request, "discovery/public/status.html", context)
    response["Cache-Control"] = "no-store"
    return response


def mine(request: HttpRequest) -> HttpResponse:
    """내가 알린 이웃: a signed-in partner's own reports with their stage, and the counts per stage (no household, no
    case, no one's name). Someone who is not a partner gets 403."""
    member = services.partner_of(request.user)
    if member is None:
        raise PermissionDenied
    reports = services.partner_reports(member)
    counts = dict(reports.order_by().values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    return render(request, "discovery/public/mine.html", {
        "member": member, "page": page, "labels": dict(PublicStage.choices),
        "totals": [(label, counts.get(value, 0)) for value, label in PublicStage.choices]})


def _not_found() -> str:
    from django.utils.translation import gettext as _

    return _("접수번호나 비밀번호가 맞지 않아요. 다시 확인해 주세요.")


urlpatterns = [
    path("", create, name="create"),
    path("done/", done, name="done"),
    path("status/", status, name="status"),
    path("addresses/", addresses, name="addresses"),
    path("mine/", mine, name="mine"),
]
