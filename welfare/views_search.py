"""The search page behind the header's box: ``/search/?q=``, grouped by the registered sources (welfare.search).

Every group reads within the user's scope; each search is one access-log entry with the query and the number of
hits shown per group. The page costs one query per group whatever the data (see welfare.search).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .audit import log_action
from .models import AccessAction
from .search import MAX_LENGTH, MIN_LENGTH, search


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    result = search(request.user, request.GET.get("q"))
    if result.groups:
        log_action(None, "welfare.search.searched", user=request.user, action=AccessAction.VIEW, changes={
            "q": result.query.text, "counts": result.counts,
            "more": [g.source.key for g in result.groups if g.has_more],
        })
    return render(request, "welfare/search.html", {
        "result": result, "q": result.query.text, "min_length": MIN_LENGTH, "max_length": MAX_LENGTH,
        "asked": bool(result.query.text),
    })
