"""One scoping mechanism for every page and endpoint: which dongs a user may see.

Querysets call :func:`visible_dong_ids` through their ``visible_to(user)`` method; views fetch single objects
through the scoped queryset, so another dong's object answers 404, never 403 with its details. Which roles need a
personal grant is the permission table's answer (welfare/permissions.py), not this module's.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models import Q, QuerySet

from .common.prepared import Prepared
from .models import DISTRICT_ROLES, Dong, StaffMembership
from .permissions import role_can

_CACHE_ATTR = "_welfare_visible_dong_ids"
_ROWS_ATTR = "_welfare_visible_dongs"

# Read on every signed-in request, so compiled once (welfare/common/prepared.py): the membership by its user, the
# dongs of a dong role's membership (one or two rows, read whole and in order: they are also the dong options of
# the filter bars, which then need no read of their own), every dong of a district role's district (ids only).
membership_of = Prepared(lambda user_id: StaffMembership.objects.filter(user_id=user_id), int)
_assigned_dongs = Prepared(lambda membership_id: Dong.objects.filter(staff=membership_id), int)
_district_dong_ids = Prepared(
    lambda district_id: Dong.objects.filter(district_id=district_id).order_by().values_list("pk", flat=True), int)
_user_staff = StaffMembership._meta.get_field("user").remote_field  # the user's reverse "staff" relation
# Dongs by their ids, in the dongs' order (district, name): the options of the filter bars' dong select.
_dongs_by_ids = Prepared(lambda ids: Dong.objects.filter(pk__in=ids), list)


def membership(user):
    """The user's StaffMembership or None (anonymous users and plain accounts have none)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not _user_staff.is_cached(user):  # read once per user object and kept where ``user.staff`` looks
        _user_staff.set_cached_value(user, membership_of.first(user.pk))
    return _user_staff.get_cached_value(user)


def visible_dong_ids(user) -> frozenset[int]:
    """Dongs whose records the user may see at all (aggregates included). Cached on the user object. A set, read
    without the dongs' default order (which joins the district to sort by its name)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        ids: frozenset[int] = frozenset()
    elif user.is_superuser:
        ids = frozenset(Dong.objects.order_by().values_list("pk", flat=True))
    else:
        staff = membership(user)
        if staff is None:
            ids = frozenset()
        elif staff.role in DISTRICT_ROLES:
            ids = frozenset(_district_dong_ids(staff.district_id))
        else:
            dongs = _assigned_dongs(staff.pk)
            setattr(user, _ROWS_ATTR, dongs)
            ids = frozenset(dong.pk for dong in dongs)
    setattr(user, _CACHE_ATTR, ids)
    return ids


def visible_dongs(user) -> list[Dong]:
    """The dongs the user may see, in order: what ``Dong.objects.visible_to(user)`` gives, read compiled once (a
    dong role's were read whole with its scope: no second read). Kept on the user object, as its ids are."""
    ids = visible_dong_ids(user)
    rows = getattr(user, _ROWS_ATTR, None)
    if rows is None:
        rows = _dongs_by_ids(sorted(ids))
        setattr(user, _ROWS_ATTR, rows)
    return list(rows)


def personal_dong_ids(user) -> frozenset[int]:
    """Dongs whose *personal* records (households, residents, cases) the user may open.

    Roles with ``needs_personal_grant`` (district planners) see aggregates only, unless their membership grants
    personal access.
    """
    staff = membership(user)
    if staff is not None and role_can(staff.role, "needs_personal_grant") and not staff.personal_access:
        return frozenset()
    if staff is not None and role_can(staff.role, "sees_difficult_cases"):
        return frozenset()  # by case, not by dong: see case_households
    return visible_dong_ids(user)


def whole_district_id(user) -> int | None:
    """The district whose every dong the user sees by dong (a district role with personal access), else None.

    Scoping never needs it (the dongs say it all), but a query that also says ``district = …`` lets the planner
    walk a (district, sort column) index instead of one holding every district (households' address sort)."""
    staff = membership(user)
    if staff is None or staff.role not in DISTRICT_ROLES or getattr(user, "is_superuser", False):
        return None
    if case_households(user) is not None or not personal_dong_ids(user):
        return None
    return staff.district_id


# Households a role sees by case rather than by dong (the district's case-management team sees the difficult
# cases of the whole district). The core knows no case: the households app registers the rule, a function of
# (user, the user's district dongs) giving a queryset of household ids.
_case_households: dict[str, Callable[[object, frozenset[int]], QuerySet]] = {}


def register_case_households(capability: str, households: Callable[[object, frozenset[int]], QuerySet]) -> None:
    """Called once by the households app at start-up (households.scoping)."""
    _case_households[capability] = households


def case_households(user) -> QuerySet | None:
    """Household ids the user sees by case (a lazy queryset, no query of its own), or None: by dong only.

    Asked by role, not by ``can``: a superuser already sees every dong and needs no extra condition.
    """
    staff = membership(user)
    if staff is None:
        return None
    for capability, households in _case_households.items():
        if role_can(staff.role, capability):
            return households(user, visible_dong_ids(user))
    return None


class ScopedQuerySet(models.QuerySet):
    """Base for querysets of personal records that belong to a dong.

    Subclasses name the path to the dong in ``dong_path`` (``"dong"``, ``"household__dong"``...).
    """

    dong_path = "dong"

    @property
    def household_path(self) -> str:
        """The path to the household: ``"household__dong"`` → ``"household"``, the household's own ``"dong"`` →
        ``"pk"``."""
        return self.dong_path.removesuffix("dong").removesuffix("__") or "pk"

    def visible_to(self, user):
        by_dong = Q(**{f"{self.dong_path}__in": personal_dong_ids(user)})
        by_case = case_households(user)
        if by_case is None:
            return self.filter(by_dong)
        return self.filter(by_dong | Q(**{f"{self.household_path}__in": by_case}))
