"""The one permission table: which roles hold which capability.

Views, API permissions, the admin, templates (``{% if can.approve_closing %}``) and services ask
:func:`can` by capability name; nothing else compares role strings. A superuser holds every capability.
Object-level rules (the report's assigned official, a dong in the user's scope) stay with the scoping
querysets and the services, which ask this table for the role part.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from .models import Role, StaffMembership

OFF, L, P, A = Role.DONG_OFFICIAL, Role.DONG_LEAD, Role.DISTRICT_PLANNER, Role.DISTRICT_ADMIN

CAPABILITIES: dict[str, frozenset[str]] = {
    # Households, residents, consents, visits, follow-ups, check-ins, cases, service links (pages and API).
    "edit_casework": frozenset({OFF, L, A}),
    # The dong's own work lists: "내 업무", the triage queue and the network pages.
    "use_worklists": frozenset({OFF, L, A}),
    # Health, mental health, disability (PIPA art. 23): the dong staff who run cases.
    "view_sensitive": frozenset({OFF, L}),
    # Team page, reassigning households and reports, approving a case's closing.
    "lead_team": frozenset({L, A}),
    "approve_closing": frozenset({L, A}),
    # Officials a case, a household or a report can be assigned to.
    "be_assigned": frozenset({OFF, L}),
    # Notified of overdue contacts and closing reviews in their dongs.
    "receive_team_alerts": frozenset({L}),
    "receive_district_alerts": frozenset({A}),
    # Crisis reports: triage, the reporter's identity (beyond the assigned official), the district queue.
    "triage_reports": frozenset({OFF, L, A}),
    "read_reporter_identity": frozenset({L, A}),
    "see_district_queue": frozenset({L, A}),
    # Community network and reporting rewards.
    "edit_network": frozenset({OFF, L, A}),
    "read_rewards": frozenset({OFF, L, A}),
    "approve_rewards": frozenset({L, A}),
    # List imports (big-data rounds, universal visits): upload, and see every uploader's batches.
    "upload_imports": frozenset({L, A}),
    "see_all_imports": frozenset({A}),
    # Answering a big-data round's households.
    "answer_rounds": frozenset({OFF, L}),
    # The annual basic plan, its trainings/awards/partnerships, the resource directory.
    "edit_plans": frozenset({P, A}),
    "approve_plans": frozenset({A}),
    "manage_resources": frozenset({P, A}),
    # Staff accounts and district settings.
    "manage_district": frozenset({A}),
    # The district's phrase templates for visit notes (구 설정 › 정책 › 자주 쓰는 문구).
    "edit_phrase_templates": frozenset({A}),
    # The access-log review (PIPA safety measures: monthly review, export with a reason) and locked-out accounts.
    "review_access_log": frozenset({A}),
    "unlock_accounts": frozenset({A}),
    # Reference data read and kept in product pages: dongs and risk indicators.
    "manage_reference_data": frozenset({A}),
    # A second factor (TOTP) is required of these roles when OTP_REQUIRED is on (superusers always).
    "needs_second_factor": frozenset({A}),
    # Personal records are closed to these roles unless the membership grants personal access.
    "needs_personal_grant": frozenset({P}),
    # Outbound messages (welfare.messaging): the district's wording, and the log of messages sent.
    "manage_message_templates": frozenset({A}),
    "read_message_log": frozenset({A}),
}


# --- Issue 15 items 4-6: the field roles (방문간호사, 희망복지지원단) and the case transfer -----------------------
# Kept as one block that adds to the table above, so each capability is still named once.
N, T = Role.VISITING_NURSE, Role.CASE_TEAM

_FIELD_ROLES: dict[str, frozenset[str]] = {
    # The team runs the cases it took over (visits, stages, needs, goals, links) on the households it may see.
    "edit_casework": frozenset({T}),
    # Health, mental health, disability: the nurse's own work, and the team's difficult cases.
    "view_sensitive": frozenset({N, T}),
    # Recording a visit (page and API): everyone who writes casework, and the visiting nurse.
    "record_visits": frozenset({OFF, L, A, N, T}),
    # The nurse's visits: health-related kinds and need domains only (households.services.visit_scope).
    "health_visits_only": frozenset({N}),
    # A dong asks the district team to take over a difficult (고난도) case; the team accepts or returns it.
    "request_case_transfer": frozenset({OFF, L}),
    "take_over_cases": frozenset({T}),
    # Personal records by case, not by dong: the district's open difficult cases and the cases the team holds.
    "sees_difficult_cases": frozenset({T}),
}
for _name, _roles in _FIELD_ROLES.items():
    CAPABILITIES[_name] = CAPABILITIES.get(_name, frozenset()) | _roles

# --- Issue 15 items 1-3: areas and ownership, the today page, the approval inbox ---------------------------------
CAPABILITIES.update({
    # The 통s of a dong (number, official, deputy, street list) and the households' 통; the dong's queue of
    # unassigned work, assigned from there; a departing official's work handed over in one action.
    "manage_areas": frozenset({L, A}),
    "assign_dong_queue": frozenset({L, A}),
    "hand_over_work": frozenset({L, A}),
    # The today page is the home of the dong's field staff (a lead's adds the team's part).
    "use_today": frozenset({OFF, L, N}),
    # The approval inbox: case closings, reward decisions (approve, or return with a comment).
    "see_approval_inbox": frozenset({L, A}),
})
# --- Issue 17: social-network programmes -------------------------------------------------------------------------
# Running a dong's programmes (sessions, enrolment, attendance, before/after measures): the dong staff and the
# district admin. Planners read the outcome figures (aggregates) on the plan dashboard.
CAPABILITIES["run_programmes"] = frozenset({OFF, L, A})
# Writing a dong's own discovery plan under the district's annual plan: the dong lead (own dongs) and the district
# admin; officials and planners read it.
CAPABILITIES["edit_dong_plans"] = frozenset({L, A})
# Health measurements from devices (item 7): reading them (the household's 건강 측정 tab, the API) and sending them
# (a gateway's token acts as one of these users). The roles that already see health data: the visiting nurse,
# the dong staff who run cases and the district's case team; not planners nor district admins.
CAPABILITIES["view_health_measurements"] = frozenset({OFF, L, N, T})
# An out-of-range reading alerts the dong's visiting nurses (the household's owner when the dong has none).
CAPABILITIES["receive_health_alerts"] = frozenset({N})


def _role(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        staff = user.staff
    except (StaffMembership.DoesNotExist, AttributeError):
        return None
    return staff.role if staff is not None else None


def roles_with(capability: str) -> frozenset[str]:
    """The roles that hold ``capability`` (for querysets: ``staff__role__in=roles_with("be_assigned")``)."""
    return CAPABILITIES[capability]


def role_can(role: str | None, capability: str) -> bool:
    return role is not None and role in CAPABILITIES[capability]


def can(user, capability: str) -> bool:
    """Whether ``user`` holds ``capability``. Unknown names raise KeyError, so a typo never grants or denies
    silently."""
    roles = CAPABILITIES[capability]
    if user is None or isinstance(user, AnonymousUser):
        return False
    if getattr(user, "is_superuser", False):
        return capability != "needs_personal_grant"
    return _role(user) in roles


class Capabilities:
    """``{{ can.lead_team }}`` in templates: each name asks :func:`can` once per request."""

    def __init__(self, user) -> None:
        self._user = user
        self._cache: dict[str, bool] = {}

    def __getitem__(self, capability: str) -> bool:
        if capability not in self._cache:
            self._cache[capability] = can(self._user, capability)
        return self._cache[capability]

    def __getattr__(self, capability: str) -> bool:
        if capability.startswith("_"):
            raise AttributeError(capability)
        return self[capability]

    def __contains__(self, capability: str) -> bool:
        return self[capability]
