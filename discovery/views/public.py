"""The public tip-off form at /report/: anyone may report a neighbour in difficulty, without logging in.

Protected against abuse: a per-address rate limit (``PUBLIC_REPORT_RATE_PER_HOUR`` submissions per client
address and hour, counted in the shared cache), a honeypot field that robots fill in (they are told "thank you"
and nothing is saved), size limits on every field (and the request body by settings), CSRF, and everything
escaped on display. The receipt code travels in the session, never in a URL.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from welfare.common.net import client_ip
from welfare.errors import RuleError

from .. import services
from ..forms import PublicReportForm

SESSION_KEY = "public_report_code"
RATE_WINDOW = 3600


def _rate_key(request: HttpRequest) -> str:
    return f"public-report:{client_ip(request) or 'unknown'}:{int(time.time() // RATE_WINDOW)}"


def _rate_exceeded(request: HttpRequest) -> bool:
    return (cache.get(_rate_key(request)) or 0) >= settings.PUBLIC_REPORT_RATE_PER_HOUR


def _count_submission(request: HttpRequest) -> None:
    key = _rate_key(request)
    cache.add(key, 0, RATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)


def _done(request: HttpRequest, code: str) -> HttpResponse:
    request.session[SESSION_KEY] = code
    return redirect("report:done")


@login_not_required
def create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        source = request.GET.get("src", "")[:20]
        return render(request, "discovery/public/form.html", {"form": PublicReportForm(initial={"src": source})})
    if _rate_exceeded(request):
        return render(request, "discovery/public/too_many.html", status=429)
    form = PublicReportForm(request.POST)
    if form.is_robot:
        # Pretend it worked: a robot learns nothing, and nothing is saved.
        _count_submission(request)
        return _done(request, services.new_receipt_code())
    if form.is_valid():
        try:
            report = services.report_submit_public(form.report_input())
        except RuleError as error:
            form.add_rule_error(error)
        else:
            _count_submission(request)
            return _done(request, report.receipt_code)
    return render(request, "discovery/public/form.html", {"form": form})


@login_not_required
def done(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SESSION_KEY)
    if not code:
        return redirect("report:create")
    response = render(request, "discovery/public/done.html", {"code": code})
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("", create, name="create"),
    path("done/", done, name="done"),
]
