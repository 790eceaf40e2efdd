"""Households services: attachments — adding (type by content, size cap, images re-encoded without metadata,
PDFs without active content, encrypted at rest, idempotent by client id), reading (logged) and deleting (with a
reason; the row stays as a tombstone, the file goes).

Nothing is half-saved: the file is written first, then the row and its log entry in one transaction; if the
transaction fails the file is removed again (``collect_files``: also for a caller's larger transaction, such as the
signed-consent form). Deleting marks the row in the transaction and removes the file once it commits; the nightly
``retention`` job removes any file a crash left behind.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import logging
import mmap
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import IntegrityError, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.audit import log_action
from welfare.common import bounds, filetypes
from welfare.common.blobs import open_decrypted, save_encrypted
from welfare.common.dates import seoul_today
from welfare.common.images import ImageRefused, reencode
from welfare.errors import RuleError
from welfare.models import AccessAction
from welfare.permissions import can

from ..attachment_owners import OwnerKind, kind_of
from ..models import Attachment, AttachmentKind

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

STORAGE = "attachments"
DELETE_REASON_MIN = 5
CLIENT_ID_MAX = 100


def storage():
    return storages[STORAGE]


@dataclass(frozen=True)
class AttachmentInput:
    owner: models.Model  # a registered owner (households.attachment_owners), fetched through the user's scope
    kind: str
    title: str
    file: IO[bytes]
    document_date: dt.date | None = None
    client_id: str = ""


# Files saved inside a collect_files() block, removed again if the block fails.
_collected: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("attachment_files", default=None)


@contextlib.contextmanager
def collect_files() -> Iterator[None]:
    """Remove every file stored by ``attachment_add`` inside the block if the block raises (its transaction rolls
    back, so no row will point at them)."""
    names: list[str] = []
    token = _collected.set(names)
    try:
        yield
    except BaseException:
        for name in names:
            _remove_file(name)
        raise
    finally:
        _collected.reset(token)


def _remove_file(name: str) -> bool:
    try:
        storage().delete(name)
    except Exception:  # noqa: BLE001 - the nightly sweep retries; a failed removal must not fail the request
        logger.exception("could not remove attachment file %s", name)
        return False
    return True


# Checking the input -----------------------------------------------------------------------------------------------

def _size_of(upload: IO[bytes]) -> int:
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    position = upload.tell()
    upload.seek(0, 2)
    end = upload.tell()
    upload.seek(position)
    return end


def _field_errors(by: User, kind: OwnerKind, data: AttachmentInput) -> dict[str, list[str]]:
    checks = bounds.Checks()
    checks.day("document_date", data.document_date, latest=seoul_today())
    errors = checks.errors
    if data.kind not in AttachmentKind.values:
        errors["kind"] = [_("문서 종류를 고르세요.")]
    title = " ".join((data.title or "").split())
    if not title:
        errors["title"] = [_("제목을 적어 주세요.")]
    elif len(title) > bounds.max_length(Attachment, "title"):
        errors["title"] = [_("제목은 200자 이내로 적어 주세요.")]
    if len(data.client_id) > CLIENT_ID_MAX or "\x00" in data.client_id:
        errors["client_id"] = [_("client_id는 100자 이내여야 합니다.")]
    return errors


def _file_error(upload: IO[bytes]) -> tuple[str | None, str | None]:
    """(the sniffed type, None) or (None, the Korean refusal)."""
    size = _size_of(upload)
    if size == 0:
        return None, _("빈 파일(0바이트)은 올릴 수 없습니다.")
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        return None, _("파일이 너무 큽니다(%(size)s). %(limit)s 이하만 올릴 수 있습니다.") % {
            "size": filesizeformat(size), "limit": filesizeformat(limit)}
    upload.seek(0)
    found = filetypes.sniff(upload.read(filetypes.HEAD_BYTES))
    upload.seek(0)
    if found is None:
        return None, _("PDF, JPEG, PNG, HEIC 파일만 올릴 수 있습니다. 파일 이름이나 확장자가 아니라 내용으로 확인하며, "
                       "이 파일의 내용은 그 어느 형식도 아닙니다.")
    return found, None


def _pdf_error(upload: IO[bytes]) -> str | None:
    try:
        fileno = upload.fileno()
    except (AttributeError, OSError, ValueError):
        fileno = None
    try:
        if fileno is not None:
            with mmap.mmap(fileno, 0, access=mmap.ACCESS_READ) as view:
                active = filetypes.pdf_active_content(view)
        else:
            upload.seek(0)
            active = filetypes.pdf_active_content(upload.read())
    except filetypes.UnreadablePdf:
        return _("PDF 내부 구조를 확인할 수 없어 올릴 수 없습니다. 스캔한 문서를 다시 PDF로 저장하거나 사진으로 올려 주세요.")
    finally:
        upload.seek(0)
    if active:
        return _("자바스크립트나 실행 동작(%(name)s)이 들어 있는 PDF는 올릴 수 없습니다. 인쇄 후 다시 스캔해 올려 "
                 "주세요.") % {"name": active}
    return None


def _image_error(refused: ImageRefused) -> str:
    if refused.reason == "too_many_pixels":
        return _("사진의 화소 수가 너무 많습니다(최대 %(max)s만 화소). 크기를 줄여 다시 올려 주세요.") % {
            "max": f"{settings.ATTACHMENT_MAX_PIXELS // 10_000:,}"}
    if refused.reason == "heic_unsupported":
        return _("이 서버는 HEIC 사진을 변환할 수 없습니다. 휴대폰에서 JPEG로 내보내 다시 올려 주세요.")
    return _("사진 파일이 손상되었거나 읽을 수 없습니다.")


class _Hashing:
    """A reader that hashes and counts what passes through it (the encrypted store reads it once)."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


# Adding -----------------------------------------------------------------------------------------------------------

def _owner_kind(by: User, owner: models.Model) -> OwnerKind:
    kind = kind_of(owner)
    if not can(by, kind.capability):
        raise RuleError(_("이 기록에 문서를 첨부할 권한이 없습니다."))
    if not kind.visible(by).filter(pk=owner.pk).exists():
        raise RuleError(_("이 기록에 문서를 첨부할 권한이 없습니다."))
    return kind


def _earlier(by: User, client_id: str, kind: OwnerKind, owner: models.Model) -> Attachment | None:
    earlier = Attachment.objects.filter(added_by=by, client_id=client_id).first()
    if earlier is None:
        return None
    if (earlier.owner_kind, earlier.owner_id) != (kind.key, owner.pk):
        raise RuleError({"client_id": [_("이미 다른 기록에 올릴 때 쓴 client_id입니다.")]})
    if earlier.is_deleted:
        raise RuleError({"client_id": [_("이 client_id로 올린 문서는 이미 삭제되었습니다. 새로 올리려면 새 client_id를 쓰세요.")]})
    return earlier


def attachment_add(*, by: User, data: AttachmentInput) -> tuple[Attachment, bool]:
    """A file on a record: ``(attachment, created)``. The same ``client_id`` again (a retried upload after a dropped
    connection, the offline queue sending twice) answers the first attachment with ``created=False`` and stores
    nothing."""
    kind = _owner_kind(by, data.owner)
    client_id = (data.client_id or "").strip()
    if client_id and "\x00" not in client_id and len(client_id) <= CLIENT_ID_MAX \
            and (earlier := _earlier(by, client_id, kind, data.owner)) is not None:
        return earlier, False
    errors = _field_errors(by, kind, data)
    sniffed, refusal = _file_error(data.file)
    if refusal:
        errors["file"] = [refusal]
    if errors:
        raise RuleError(errors)
    payload: IO[bytes] = data.file
    width = height = None
    content_type = filetypes.CONTENT_TYPES[sniffed or filetypes.PDF]
    reencoded = None
    if sniffed == filetypes.PDF:
        if pdf_refusal := _pdf_error(data.file):
            raise RuleError({"file": [pdf_refusal]})
    else:
        try:
            reencoded = reencode(data.file, sniffed or "", max_pixels=settings.ATTACHMENT_MAX_PIXELS)
        except ImageRefused as refused:
            raise RuleError({"file": [_image_error(refused)]}) from refused
        payload, width, height = reencoded.file, reencoded.width, reencoded.height
        content_type = filetypes.CONTENT_TYPES[reencoded.kind]
    try:
        return _store(by=by, kind=kind, data=data, client_id=client_id, payload=payload,
                      content_type=content_type, width=width, height=height)
    finally:
        if reencoded is not None:
            reencoded.file.close()


def attachment_add_public(*, data: AttachmentInput) -> Attachment:
    """A photo sent with a request from the public door (/report/), by nobody signed in, on the request it came
    with: images only (a PDF or anything else is refused), then the same checks, re-encoding without metadata
    (EXIF, location) and encrypted store as :func:`attachment_add`. The caller owns the new record."""
    kind = kind_of(data.owner)
    errors = _field_errors(None, kind, data)  # type: ignore[arg-type]
    sniffed, refusal = _file_error(data.file)
    if refusal is None and sniffed == filetypes.PDF:
        refusal = _("사진 파일(JPEG, PNG, HEIC)만 올릴 수 있어요.")
    if refusal:
        errors["file"] = [refusal]
    if errors:
        raise RuleError(errors)
    try:
        reencoded = reencode(data.file, sniffed or "", max_pixels=settings.ATTACHMENT_MAX_PIXELS)
    except ImageRefused as refused:
        raise RuleError({"file": [_image_error(refused)]}) from refused
    try:
        return _store(by=None, kind=kind, data=data, client_id="", payload=reencoded.file,  # type: ignore[arg-type]
                      content_type=filetypes.CONTENT_TYPES[reencoded.kind], width=reencoded.width,
                      height=reencoded.height)[0]
    finally:
        reencoded.file.close()


def _store(*, by: User, kind: OwnerKind, data: AttachmentInput, client_id: str, payload: IO[bytes],
           content_type: str, width: int | None, height: int | None) -> tuple[Attachment, bool]:
    today = timezone.localdate()
    hashing = _Hashing(payload)
    name = save_encrypted(storage(), f"{today:%Y/%m}/{uuid.uuid4().hex}.bin", hashing)  # type: ignore[arg-type]
    collected = _collected.get()
    if collected is not None:
        collected.append(name)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                owner_kind=kind.key, owner_id=data.owner.pk, household_id=kind.household_id(data.owner),
                kind=data.kind, title=" ".join(data.title.split()), document_date=data.document_date,
                content_type=content_type, size=hashing.size, sha256=hashing.digest.hexdigest(),
                width=width, height=height, storage_name=name, client_id=client_id, added_by=by,
            )
            log_action(attachment, "households.attachment.created", user=by, changes={
                "owner": f"{kind.key}:{data.owner.pk}", "kind": data.kind, "content_type": content_type,
                "size": hashing.size})
    except IntegrityError:
        _remove_file(name)
        # Two uploads with one client id at the same moment: the other one committed first.
        earlier = Attachment.objects.filter(added_by=by, client_id=client_id).first() if client_id else None
        if earlier is None:
            raise
        return earlier, False
    except BaseException:
        _remove_file(name)
        raise
    return attachment, True


# Reading ----------------------------------------------------------------------------------------------------------

def attachment_read(*, attachment: Attachment, by: User) -> Iterator[bytes]:
    """The file's plaintext, streamed, after an access-log entry (a view of the household's personal data). The
    first chunk is decrypted before this returns, so a damaged file or a missing key fails before any byte is
    sent."""
    if attachment.is_deleted or not attachment.storage_name:
        raise RuleError(_("삭제된 문서입니다."))
    log_action(attachment, "households.attachment.viewed", user=by, action=AccessAction.VIEW,
               changes={"owner": f"{attachment.owner_kind}:{attachment.owner_id}"})
    chunks = open_decrypted(storage(), attachment.storage_name)
    first = next(chunks, b"")

    def stream() -> Iterator[bytes]:
        yield first
        yield from chunks

    return stream()


# Deleting ---------------------------------------------------------------------------------------------------------

@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: User, reason: str) -> Attachment:
    """Delete for a stated reason (at least 5 characters). The row stays as a tombstone (who, when, why) and the
    access log keeps what the file was; the file is removed once the transaction commits."""
    kind = kind_of_key(attachment.owner_kind)
    if kind is None or not can(by, kind.capability):
        raise RuleError(_("이 문서를 삭제할 권한이 없습니다."))
    reason = " ".join((reason or "").split())
    if len(reason) < DELETE_REASON_MIN:
        raise RuleError({"reason": [_("삭제 사유를 %(min)d자 이상 적어 주세요.") % {"min": DELETE_REASON_MIN}]})
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.is_deleted:
        return attachment
    attachment.deleted_at, attachment.deleted_by, attachment.deleted_reason = timezone.now(), by, reason[:300]
    attachment.save(update_fields=["deleted_at", "deleted_by", "deleted_reason"])
    log_action(attachment, "households.attachment.deleted", user=by, reason=reason, changes={
        "title": attachment.title, "kind": attachment.kind, "owner": f"{attachment.owner_kind}:{attachment.owner_id}",
        "content_type": attachment.content_type, "size": attachment.size, "sha256": attachment.sha256,
        "added_by": attachment.added_by_id, "added_at": attachment.added_at.isoformat()})
    transaction.on_commit(lambda: remove_deleted_files(Attachment.objects.filter(pk=attachment.pk)))
    return attachment


def kind_of_key(key: str) -> OwnerKind | None:
    from ..attachment_owners import owner_kind

    return owner_kind(key)


def attachments_purge(queryset: models.QuerySet, *, now: dt.datetime, reason: str,
                      title: str) -> int:
    """Delete a set of attachments at once (the retention job): tombstones with ``reason``, titles replaced by
    ``title``, files removed after the transaction commits. One UPDATE; returns how many."""
    live = queryset.filter(deleted_at__isnull=True)
    count = live.update(deleted_at=now, deleted_reason=reason[:300], title=title)
    if count:
        transaction.on_commit(lambda: remove_deleted_files(Attachment.objects.all()))
    return count


def remove_deleted_files(queryset: models.QuerySet, *, limit: int = 10_000) -> int:
    """Remove the stored files of deleted attachments still holding one (after a commit, and nightly for any a
    crash left behind). One read, then one UPDATE per file removed; bounded by ``limit`` per call."""
    rows = list(queryset.filter(deleted_at__isnull=False).exclude(storage_name="")
                .values_list("pk", "storage_name")[:limit])
    removed = 0
    for pk, name in rows:
        if _remove_file(name):
            Attachment.objects.filter(pk=pk).update(storage_name="", file_removed_at=timezone.now())
            removed += 1
    return removed


def attachment_input(owner: models.Model, cleaned: dict[str, Any], file: IO[bytes]) -> AttachmentInput:
    """The service input from a form's or a serializer's cleaned data."""
    return AttachmentInput(owner=owner, kind=cleaned.get("kind") or "", title=cleaned.get("title") or "",
                           file=file, document_date=cleaned.get("document_date"),
                           client_id=(cleaned.get("client_id") or "").strip())


def attachments_rotate(*, limit: int | None = None) -> int:
    """Re-encrypt the stored files of live attachments under the first (newest) ``FIELD_ENCRYPTION_KEY``, so an old
    key can be dropped: each file is decrypted and written again a frame at a time (never whole in memory), the row
    then points at the new file, and the old one is removed. Returns how many files were rewritten."""
    rows = Attachment.objects.exclude(storage_name="").filter(deleted_at__isnull=True).order_by("pk")
    done = 0
    for pk, name in rows.values_list("pk", "storage_name")[:limit]:
        fresh = save_encrypted(storage(), name.rsplit("/", 1)[0] + f"/{uuid.uuid4().hex}.bin",
                               _ChunkReader(open_decrypted(storage(), name)))  # type: ignore[arg-type]
        if Attachment.objects.filter(pk=pk, storage_name=name).update(storage_name=fresh) == 1:
            _remove_file(name)
            done += 1
        else:  # deleted or rotated meanwhile: keep the row's file, drop the copy
            _remove_file(fresh)
    return done


class _ChunkReader:
    """``read(n)`` over an iterator of byte chunks (the decrypted frames of a stored file)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._buffer = chunks, b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data
