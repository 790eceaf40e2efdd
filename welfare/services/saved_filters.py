"""Saved filters of the work lists (내 업무, 팀 현황, 제보 접수함): save the current query under a name, for oneself or
shared with one of one's dongs; delete one's own. The lists' pages show them as chips (welfare_tags)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds
from welfare.errors import RuleError
from welfare.models import Dong, SavedFilter, SavedFilterList
from welfare.permissions import can
from welfare.scoping import personal_dong_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Who may use each list is the permission table's answer: the list's own capability.
LIST_CAPABILITY = {
    SavedFilterList.CASELOAD: "use_worklists",
    SavedFilterList.TEAM: "lead_team",
    SavedFilterList.TRIAGE: "triage_reports",
}
# Page numbers and form tokens are not part of a filter.
NOT_FILTERS = frozenset({"page", "opage", "cpage", "tpage", "csrfmiddlewaretoken"})
NAME_MAX = bounds.max_length(SavedFilter, "name")
QUERY_MAX = bounds.max_length(SavedFilter, "query")


def may_use(user, list_key: str) -> bool:
    capability = LIST_CAPABILITY.get(list_key)  # type: ignore[call-overload]
    return capability is not None and can(user, capability)


def filter_query(raw: str | QueryDict) -> str:
    """The query string without page numbers and tokens, empty values dropped, in a stable order."""
    params = raw if isinstance(raw, QueryDict) else QueryDict(raw or "")
    kept = QueryDict(mutable=True)
    for key in sorted(params):
        if key in NOT_FILTERS:
            continue
        values = [v for v in params.getlist(key) if v.strip()]
        if values:
            kept.setlist(key, values)
    return kept.urlencode()


@transaction.atomic
def saved_filter_save(*, by: User, list_key: str, name: str, query: str, share_with: Dong | None = None
                      ) -> SavedFilter:
    """Save (or, under the same name, replace) the user's filter of a list; ``share_with`` one of the user's
    dongs shows it to that dong's staff too."""
    if not may_use(by, list_key):
        raise RuleError(_("이 목록의 필터를 저장할 권한이 없습니다."))
    name = " ".join((name or "").split())
    query = filter_query(query)
    checks = bounds.Checks().text("name", name, NAME_MAX)
    if not name:
        checks.add("name", _("필터 이름을 적어 주세요."))
    if not query:
        checks.add("query", _("저장할 검색 조건이 없습니다. 목록에서 조건을 고른 뒤 저장하세요."))
    elif len(query) > QUERY_MAX:
        checks.add("query", _("검색 조건이 너무 깁니다."))
    if share_with is not None and share_with.pk not in personal_dong_ids(by):
        checks.add("share_with", _("담당 동에만 공유할 수 있습니다."))
    checks.done()
    saved, created = SavedFilter.objects.update_or_create(
        user=by, list_key=list_key, name=name, defaults={"query": query, "shared_dong": share_with})
    log_action(saved, "welfare.savedfilter.created" if created else "welfare.savedfilter.updated", user=by,
               changes={"list": list_key, "query": query, "shared_dong": getattr(share_with, "pk", None)})
    return saved


@transaction.atomic
def saved_filter_delete(*, saved_filter: SavedFilter, by: User) -> None:
    """Delete one's own filter (a shared one too); another's filter is refused."""
    if saved_filter.user_id != by.pk:
        raise RuleError(_("내가 저장한 필터만 지울 수 있습니다."))
    log_action(saved_filter, "welfare.savedfilter.deleted", user=by,
               changes={"list": saved_filter.list_key, "name": saved_filter.name})
    saved_filter.delete()
