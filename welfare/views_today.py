"""The today page (home of dong officials and visiting nurses; a lead's adds the team's part) and the approval
inbox of leads. Both read the apps' registries (``welfare.today``, ``welfare.approvals``): the core imports no app."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .approvals import RETURN_COMMENT_MAX, approval_source, approval_sources
from .audit import log_list
from .errors import StaleVersion
from .permissions import can
from .today import TodayBlock, TodayRow, today_blocks

INBOX_LIMIT = 50
TODAY_INBOX_LIMIT = 5


def today(request: HttpRequest) -> HttpResponse:
    """What to act on today, each row with its next action (the blocks each run a few queries)."""
    if not can(request.user, "use_today"):
        raise PermissionDenied
    day = timezone.localdate()
    blocks = today_blocks(request.user, day)
    if can(request.user, "see_approval_inbox"):
        rows, total = [], 0
        for source in approval_sources():
            items, count = source.items(request.user, TODAY_INBOX_LIMIT)
            total += count
            rows += [TodayRow(title=f"[{source.label}] {item.title}", detail=item.detail, url=item.url,
                              action=str(gettext_lazy("승인함")), action_url="/inbox/") for item in items]
        blocks.append(TodayBlock("approvals", str(gettext_lazy("내 승인 대기")), rows[:TODAY_INBOX_LIMIT * 2],
                                 total, more_url="/inbox/", empty=str(gettext_lazy("승인을 기다리는 항목이 없습니다.")),
                                 team=True))
    log_list("welfare.today.listed", user=request.user, params={},
             count=sum(len(b.rows) for b in blocks), total=sum(b.total for b in blocks))
    return render(request, "welfare/today.html", {
        "mine": [b for b in blocks if not b.team], "team": [b for b in blocks if b.team], "today": day})


class ReturnForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("돌려보내는 이유"), max_length=RETURN_COMMENT_MAX,
                              widget=forms.Textarea(attrs={"rows": 2}))


def inbox(request: HttpRequest) -> HttpResponse:
    """Everything that waits for this lead, by kind: approve, or return with a comment."""
    if not can(request.user, "see_approval_inbox"):
        raise PermissionDenied
    sections = []
    shown = 0
    for source in approval_sources():
        items, total = source.items(request.user, INBOX_LIMIT)
        shown += len(items)
        sections.append({"source": source, "items": items, "total": total})
    log_list("welfare.inbox.listed", user=request.user, params=request.GET, count=shown)
    return render(request, "welfare/inbox.html", {"sections": sections, "return_form": ReturnForm()})


@require_POST
def inbox_decide(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    if not can(request.user, "see_approval_inbox"):
        raise PermissionDenied
    found = approval_source(source)
    if found is None:
        raise Http404
    try:
        if request.POST.get("decision") == "approve":
            messages.success(request, found.approve(request.user, pk))
        elif request.POST.get("decision") == "return":
            messages.success(request, found.send_back(request.user, pk, request.POST.get("comment", "")))
        else:
            messages.error(request, str(gettext_lazy("승인 또는 돌려보내기를 고르세요.")))
    except ValidationError as error:  # a RuleError
        messages.error(request, " ".join(error.messages))
    except StaleVersion:
        messages.error(request, str(gettext_lazy("그사이 다른 사람이 이 항목을 바꿨습니다. 다시 확인하세요.")))
    return redirect("inbox")
