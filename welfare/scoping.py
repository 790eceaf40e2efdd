"""One scoping mechanism for every page and endpoint: which dongs a user may see.

Querysets call :func:`visible_dong_ids` through their ``visible_to(user)`` method; views fetch single objects
through the scoped queryset, so another dong's object answers 404, never 403 with its details. Which roles need a
personal grant is the permission table's answer (welfare/permissions.py), not this module's.
"""

from __future__ import annotations

from django.db import models

from .models import DISTRICT_ROLES, Dong
from .permissions import role_can

_CACHE_ATTR = "_welfare_visible_dong_ids"


def membership(user):
    """The user's StaffMembership or None (anonymous users and plain accounts have none)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff
    except Exception:  # RelatedObjectDoesNotExist
        return None


def visible_dong_ids(user) -> frozenset[int]:
    """Dongs whose records the user may see at all (aggregates included). Cached on the user object."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False):
        ids: frozenset[int] = frozenset()
    elif user.is_superuser:
        ids = frozenset(Dong.objects.values_list("pk", flat=True))
    else:
        staff = membership(user)
        if staff is None:
            ids = frozenset()
        elif staff.role in DISTRICT_ROLES:
            ids = frozenset(Dong.objects.filter(district_id=staff.district_id).values_list("pk", flat=True))
        else:
            ids = frozenset(staff.dongs.values_list("pk", flat=True))
    setattr(user, _CACHE_ATTR, ids)
    return ids


def personal_dong_ids(user) -> frozenset[int]:
    """Dongs whose *personal* records (households, residents, cases) the user may open.

    Roles with ``needs_personal_grant`` (district planners) see aggregates only, unless their membership grants
    personal access.
    """
    staff = membership(user)
    if staff is not None and role_can(staff.role, "needs_personal_grant") and not staff.personal_access:
        return frozenset()
    return visible_dong_ids(user)


class ScopedQuerySet(models.QuerySet):
    """Base for querysets of personal records that belong to a dong.

    Subclasses name the path to the dong in ``dong_path`` (``"dong"``, ``"household__dong"``...).
    """

    dong_path = "dong"

    def visible_to(self, user):
        return self.filter(**{f"{self.dong_path}__in": personal_dong_ids(user)})
