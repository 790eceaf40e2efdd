"""The header's counts of waiting work, as JSON (welfare.nav_counts): fetched by app.js after the page loads."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .context_processors import unread_notifications
from .nav_counts import counts_for


@never_cache
@require_GET
def nav_counts(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"counts": counts_for(request.user), "unread": unread_notifications(request)})
