"""Households models: attachments (scanned forms, photos, letters, signed consents) on a household's records.

An attachment belongs to one *owner*, named by ``owner_kind`` and ``owner_id``: a household, a resident, a case, a
visit, a consent, or a record of an app above households (discovery's crisis reports) that registers its kind in
:mod:`households.attachment_owners`. No foreign key points at discovery, so households never imports it. The
``household`` column is the owner's household when it has one (the household page and the API list by it, a merge
moves it, the retention job finds it); a crisis report not yet linked to a household leaves it empty.

The file itself is encrypted at rest (``welfare.common.blobs``) in ``STORAGES["attachments"]``; this row holds
what it is, who added it and, once deleted, the tombstone (who, when, why; the file is removed).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from welfare.common import filetypes
from welfare.common.choices import ChoiceLabels
from welfare.common.downloads import safe_filename

from .households import Household


class AttachmentKind(models.TextChoices):
    CONSENT = "consent", _("동의서")
    APPLICATION = "application", _("신청서")
    PHOTO = "photo", _("사진")
    LETTER = "letter", _("서신·소견서")
    OTHER = "other", _("기타")


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user, kinds: Iterable[str] | None = None) -> AttachmentQuerySet:
        """Attachments whose owner the user may open (each owner kind's own ``visible_to``): another dong's
        attachment is not found, as its record is not. ``kinds`` (owner kind keys) leaves out the kinds the caller
        knows are absent: fewer conditions to build and plan, the same rows for attachments of those kinds.

        Each kind is a correlated ``EXISTS`` (the owner by its primary key, then the kind's scoping), so the
        database looks up the owners of the attachments it reads. ``owner_id IN (the visible records)`` made
        PostgreSQL hash every visible visit of the user's dongs for one household's attachment: 177 ms at 100,000
        households, a sequential scan of all visits."""
        from ..attachment_owners import owner_kinds

        visible = Q(pk__in=[])
        wanted = None if kinds is None else set(kinds)
        for kind in owner_kinds().values():
            if wanted is not None and kind.key not in wanted:
                continue
            visible |= Q(owner_kind=kind.key) & Exists(kind.visible(user).filter(pk=OuterRef("owner_id")))
        return self.filter(visible)

    def live(self) -> AttachmentQuerySet:
        return self.filter(deleted_at__isnull=True)

    def of(self, owner_kind: str, owner_id: int) -> AttachmentQuerySet:
        return self.filter(owner_kind=owner_kind, owner_id=owner_id)


class Attachment(ChoiceLabels, models.Model):
    owner_kind = models.CharField(_("첨부 대상 종류"), max_length=12)
    owner_id = models.PositiveBigIntegerField(_("첨부 대상"))
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="attachments", verbose_name=_("세대"))
    kind = models.CharField(_("문서 종류"), max_length=12, choices=AttachmentKind.choices)
    title = models.CharField(_("제목"), max_length=200)
    document_date = models.DateField(_("문서 일자"), null=True, blank=True)
    content_type = models.CharField(_("형식"), max_length=40)
    size = models.PositiveBigIntegerField(_("크기(바이트)"))
    sha256 = models.CharField(max_length=64, editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The encrypted file's name in STORAGES["attachments"]; blank once the file is removed.
    storage_name = models.CharField(max_length=300, blank=True, editable=False)
    # The uploading device's id for this upload: the same id again answers with the first attachment.
    client_id = models.CharField(_("클라이언트 ID"), max_length=100, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("등록자"))
    added_at = models.DateTimeField(_("등록 일시"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("삭제 일시"), null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("삭제자"))
    deleted_reason = models.CharField(_("삭제 사유"), max_length=300, blank=True)
    file_removed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("첨부 문서")
        verbose_name_plural = _("첨부 문서")
        ordering = ["-added_at", "-id"]
        indexes = [
            models.Index(fields=["owner_kind", "owner_id"], name="attachment_owner_idx"),
            models.Index(fields=["household", "-added_at"], name="attachment_household_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["added_by", "client_id"], condition=~Q(client_id=""),
                                    name="attachment_unique_client_id"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def download_name(self) -> str:
        """The file name offered on download: the title (without characters a file system refuses) and the
        extension of what was stored."""
        extension = next((filetypes.EXTENSIONS[kind] for kind, content_type in filetypes.CONTENT_TYPES.items()
                          if content_type == self.content_type), "bin")
        return safe_filename(self.title, extension)
