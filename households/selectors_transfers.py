"""Reads of case transfers to the district team (희망복지지원단): the team's inbox, the dong's requests, the
transfers of one case."""

from __future__ import annotations

from django.db.models import QuerySet

from welfare.permissions import can

from .models import Case, CaseClass, CaseTransfer, TransferStatus

_RELATED = ("case__client", "case__assigned_official", "household__dong", "requested_by", "decided_by",
            "handed_back_by")


def transfers_visible_to(user) -> QuerySet:
    """Transfers of the cases the user may see (the team sees the district's in progress through its scope)."""
    return CaseTransfer.objects.visible_to(user).select_related(*_RELATED)


def waiting_for_team(user) -> QuerySet:
    """Requests not yet answered, oldest first: the team's inbox."""
    return transfers_visible_to(user).filter(status=TransferStatus.REQUESTED).order_by("requested_at", "id")


def held_by_team(user) -> QuerySet:
    """Cases the team holds now, the most recently taken first."""
    return transfers_visible_to(user).filter(status=TransferStatus.ACCEPTED).order_by("-decided_at", "-id")


def dong_requests(user) -> QuerySet:
    """Every transfer of the user's dongs, newest first (what the dong asked and how it was answered)."""
    return transfers_visible_to(user).order_by("-requested_at", "-id")


def case_transfers(case: Case) -> list[CaseTransfer]:
    """The transfer history of one case, newest first (one query)."""
    return list(case.transfers.select_related("requested_by", "decided_by", "handed_back_by", "previous_official")
                .order_by("-requested_at", "-id"))


def transfer_actions(user, case: Case, transfers: list[CaseTransfer]) -> dict[str, object]:
    """What the case page offers this user: request, take over, accept/return, hand back (the services check)."""
    current = next((t for t in transfers if t.is_in_progress), None)
    team = can(user, "take_over_cases")
    eligible = case.is_open and case.case_class == CaseClass.DIFFICULT and current is None
    return {
        "current": current,
        "may_request": eligible and can(user, "request_case_transfer"),
        "may_take": eligible and team,
        "may_decide": team and current is not None and current.status == TransferStatus.REQUESTED,
        "may_hand_back": team and current is not None and current.status == TransferStatus.ACCEPTED,
        "not_difficult": case.is_open and case.case_class != CaseClass.DIFFICULT and current is None,
    }
