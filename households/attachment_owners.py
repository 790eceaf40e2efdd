"""The registry of what an attachment may belong to (its *owner kinds*), so an app above households (discovery's
crisis reports) adds its records without households importing it.

Each kind says which model it is, how to find the records a user may open (the model's own ``visible_to``: an
attachment is visible exactly when its owner is), the owner's household (for the household's list, a merge and the
retention job), the page an owner is shown on, and the capability needed to add or delete attachments there.
Apps register from their ``attachment_owners`` module (found with ``autodiscover_modules``); households registers
its own kinds below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.common.prepared import Prepared
from welfare.common.registries import discover

from .models import Case, Consent, Household, Resident, Visit


@dataclass(frozen=True)
class OwnerKind:
    key: str  # stored in Attachment.owner_kind (at most 12 characters)
    model: type[models.Model]
    label: str
    visible: Callable[[object], models.QuerySet]  # user -> the owners this user may open
    household_id: Callable[[models.Model], int | None]
    url: Callable[[models.Model], str]  # the page that shows the owner's attachments
    describe: Callable[[models.Model], str]  # a short label for lists ("사례 #12", "방문 2026-03-04")
    capability: str = "edit_casework"  # needed to add or delete attachments on this kind of record
    select_related: tuple[str, ...] = ()


_KINDS: dict[str, OwnerKind] = {}


def register_owner(kind: OwnerKind) -> OwnerKind:
    if len(kind.key) > 12:
        raise ValueError(f"owner kind {kind.key!r} is longer than Attachment.owner_kind allows")
    _KINDS[kind.key] = kind
    return kind


def owner_kinds() -> dict[str, OwnerKind]:
    discover("attachment_owners")
    return dict(_KINDS)


def owner_kind(key: str) -> OwnerKind | None:
    return owner_kinds().get(key)


def kind_of(obj: models.Model) -> OwnerKind:
    for kind in owner_kinds().values():
        if isinstance(obj, kind.model):
            return kind
    raise LookupError(f"{type(obj).__name__} records take no attachments")


def visible_owner(user, key: str, pk: int) -> tuple[OwnerKind, models.Model] | None:
    """The owner named by ``key`` and ``pk`` if this user may open it, else None (the caller answers 404)."""
    kind = owner_kind(key)
    if kind is None:
        return None
    owner = _related(kind.visible(user), kind).filter(pk=pk).first()
    return (kind, owner) if owner is not None else None


# Each kind's owners by their ids (no user in the query: the attachments' read checked who may open them), compiled
# once per kind and number of ids (welfare/common/prepared.py).
_OWNERS_BY_IDS: dict[str, Prepared] = {}


def _owners_by_ids(kind: OwnerKind, ids: Iterable[int]) -> list[models.Model]:
    read = _OWNERS_BY_IDS.get(kind.key)
    if read is None:
        read = _OWNERS_BY_IDS[kind.key] = Prepared(
            lambda pks: _related(kind.model._default_manager.order_by(), kind).filter(pk__in=pks), list)
    return read(sorted(ids))


def _related(queryset: models.QuerySet, kind: OwnerKind) -> models.QuerySet:
    """The kind's ``select_related`` if it names any. ``select_related()`` with no names would follow every
    non-null foreign key (a visit's household, its dong and district: three joins the labels never read)."""
    return queryset.select_related(*kind.select_related) if kind.select_related else queryset


# households' own kinds ------------------------------------------------------------------------------------------

def _household_url(pk: int) -> str:
    return reverse("households:detail", args=[pk]) + "#attachments"


register_owner(OwnerKind(
    key="household", model=Household, label=_("세대"),
    visible=lambda user: Household.objects.visible_to(user),
    household_id=lambda h: h.pk, url=lambda h: _household_url(h.pk),
    describe=lambda h: str(_("세대")),
))
register_owner(OwnerKind(
    key="resident", model=Resident, label=_("가구원"),
    visible=lambda user: Resident.objects.visible_to(user),
    household_id=lambda r: r.household_id, url=lambda r: _household_url(r.household_id),
    describe=lambda r: f"{_('가구원')} {r.name}",
))
register_owner(OwnerKind(
    key="case", model=Case, label=_("사례"),
    visible=lambda user: Case.objects.visible_to(user),
    household_id=lambda c: c.household_id,
    url=lambda c: reverse("households:case_detail", args=[c.household_id, c.pk]) + "#attachments",
    describe=lambda c: f"{_('사례')} #{c.pk}",
))
register_owner(OwnerKind(
    key="visit", model=Visit, label=_("방문"),
    visible=lambda user: Visit.objects.visible_to(user),
    household_id=lambda v: v.household_id, url=lambda v: _household_url(v.household_id),
    describe=lambda v: f"{_('방문')} {timezone.localtime(v.visited_at):%Y-%m-%d}",
))
register_owner(OwnerKind(
    key="consent", model=Consent, label=_("동의"),
    visible=lambda user: Consent.objects.visible_to(user),
    household_id=lambda c: c.resident.household_id, url=lambda c: _household_url(c.resident.household_id),
    describe=lambda c: f"{_('동의')} {c.resident.name} · {c.get_scope_display()}",
    select_related=("resident",),
))


def with_owners(attachments, known: Iterable[models.Model] = ()) -> list:
    """The attachments with ``owner_label`` and ``owner_url`` set, one query per kind of owner present (at most one
    per registered kind, whatever the number of attachments). ``known``: owners the caller already holds (the
    page's household), not read again."""
    rows = list(attachments)
    kinds = owner_kinds()
    owners: dict[tuple[str, int], models.Model] = {(kind_of(obj).key, obj.pk): obj for obj in known}
    by_kind: dict[str, set[int]] = {}
    for row in rows:
        if (row.owner_kind, row.owner_id) not in owners:
            by_kind.setdefault(row.owner_kind, set()).add(row.owner_id)
    for key, ids in by_kind.items():
        kind = kinds.get(key)
        if kind is not None:
            owners.update({(key, obj.pk): obj for obj in _owners_by_ids(kind, ids)})
    for row in rows:
        owner, kind = owners.get((row.owner_kind, row.owner_id)), kinds.get(row.owner_kind)
        row.owner_label = kind.describe(owner) if kind and owner else row.owner_kind
        row.owner_url = kind.url(owner) if kind and owner else ""
    return rows
