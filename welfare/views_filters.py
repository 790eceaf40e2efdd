"""Saving and deleting a work list's filter (the chips of welfare_tags.saved_filters). Both answer with a redirect
back to the list; the rules are welfare.services.saved_filters'."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .common.requests import given_id, local_url
from .errors import RuleError
from .models import Dong, SavedFilter
from .services.saved_filters import saved_filter_delete, saved_filter_save


def _back(request: HttpRequest) -> str:
    return local_url(request, request.POST.get("next"), "/")


def _message(error: RuleError) -> str:
    return " ".join(error.messages)


@require_POST
def save(request: HttpRequest) -> HttpResponse:
    share = request.POST.get("share_with") or ""
    dong = Dong.objects.filter(pk=given_id(share)).first() if share else None
    try:
        if share and dong is None:
            raise RuleError({"share_with": _("담당 동에만 공유할 수 있습니다.")})
        saved = saved_filter_save(by=request.user, list_key=request.POST.get("list_key", ""),
                                  name=request.POST.get("name", ""), query=request.POST.get("query", ""),
                                  share_with=dong)
    except RuleError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("'%(name)s' 필터를 저장했습니다.") % {"name": saved.name})
    return redirect(_back(request))


@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter.objects.filter(user=request.user), pk=pk)
    try:
        saved_filter_delete(saved_filter=saved, by=request.user)
    except RuleError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("'%(name)s' 필터를 지웠습니다.") % {"name": saved.name})
    return redirect(_back(request))
