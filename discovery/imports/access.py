"""Who may upload a list, which dongs their upload may write, and which batches they see."""

from __future__ import annotations

from django.db.models import QuerySet

from welfare.permissions import can
from welfare.scoping import membership

from ..models import ImportBatch


def can_upload(user) -> bool:
    return can(user, "upload_imports") and (getattr(user, "is_superuser", False) or membership(user) is not None)


def upload_district_id(user) -> int | None:
    staff = membership(user)
    return staff.district_id if staff is not None else None


def uploader_dong_ids(user) -> frozenset[int] | None:
    """The dongs whose rows an upload by ``user`` may write: a team lead's own; None for the whole district."""
    staff = membership(user)
    if user is None or getattr(user, "is_superuser", False) or staff is None or can(user, "see_all_imports"):
        return None
    return frozenset(staff.dongs.values_list("pk", flat=True))


def batches_visible_to(user) -> QuerySet[ImportBatch]:
    """District admins see their district's batches; team leads the batches they uploaded. Never the bytes."""
    batches = ImportBatch.objects.defer("content")
    if getattr(user, "is_superuser", False):
        return batches
    staff = membership(user)
    if staff is None or not can_upload(user):
        return batches.none()
    batches = batches.filter(district_id=staff.district_id)
    return batches if can(user, "see_all_imports") else batches.filter(uploaded_by=user)
