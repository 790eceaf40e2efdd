"""The user's notifications: the list, marking read, and opening one (marks it read, then follows its link).

Every view works on ``request.user``'s own notifications only: another user's id answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from .context_processors import unread_notifications
from .models import Notification
from .notifications import notification_mark_read, safe_target

PAGE_SIZE = 25


def _back_to_list(request: HttpRequest) -> str:
    """The list page the form was posted from (its page number only; nothing else is echoed back)."""
    url = reverse("notifications:list")
    page = request.POST.get("page", "")
    return f"{url}?page={page}" if page.isdigit() and page != "1" else url


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "welfare/notifications/list.html", {
        "page": page,
        "query_string": "",
        "unread": unread_notifications(request),  # the bell's COUNT, cached on the request
    })


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    changed = notification_mark_read(user=request.user)
    if changed:
        messages.success(request, ngettext("알림 %(count)s건을 읽음으로 표시했습니다.",
                                           "알림 %(count)s건을 읽음으로 표시했습니다.", changed) % {"count": changed})
    else:
        messages.info(request, _("읽지 않은 알림이 없습니다."))
    return redirect(_back_to_list(request))


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(user=request.user, ids=[notification.pk])
    messages.success(request, _("알림을 읽음으로 표시했습니다."))
    return redirect(_back_to_list(request))


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and follows its link, which must be a path on this site."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(user=request.user, ids=[notification.pk])
    target = safe_target(notification.url)
    if target is None:
        messages.info(request, _("이 알림에는 연결된 화면이 없습니다."))
        return redirect("notifications:list")
    return redirect(target)
