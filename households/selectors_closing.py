"""What a closing review must see (issue 18): the case's goals not yet achieved and its service links still open
(requested, accepted or in service). Two queries whatever the case holds."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Case, CaseGoal, ServiceLink
from .models.links import LinkStatus

OPEN_LINK_STATUSES = (LinkStatus.REQUESTED, LinkStatus.ACCEPTED, LinkStatus.IN_SERVICE)


@dataclass(frozen=True)
class ClosingReview:
    open_goals: list[CaseGoal]
    open_links: list[ServiceLink]

    @property
    def clear(self) -> bool:
        return not self.open_goals and not self.open_links


def closing_review(case: Case) -> ClosingReview:
    goals = list(CaseGoal.objects.filter(case=case, achieved_on__isnull=True).order_by("target_on", "id"))
    links = list(
        ServiceLink.objects.filter(case=case, status__in=OPEN_LINK_STATUSES)
        .select_related("resource")
        .order_by("requested_on", "id")
    )
    return ClosingReview(goals, links)
