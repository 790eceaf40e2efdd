"""List imports: an upload becomes a batch, and a batch's rows become records, set-based.

:func:`batch_create` stores the upload (the same file again is the same batch) and enqueues the import on
commit. :func:`batch_import` reads the file twice: a first pass counts the rows (the progress bar's total)
and finds a damaged file before anything is written; the second validates each row and writes the good ones
in chunks of :data:`CHUNK_ROWS`, one transaction per chunk, with a fixed number of statements per chunk
(never one per row), and moves the batch's progress at the end of each.

Every written row carries a key derived from its content (``CrisisReport.import_key``,
``UniversalVisitTarget.person_key``) under a unique constraint, so a second upload of the same rows, or a
re-run of a batch a crashed worker left half done, creates nothing twice.

Budget (crisis list, 50,000 rows): per chunk one read of matching residents, the report INSERTs, one read
back of the chunk's reports, the target and indicator INSERTs, the error INSERT and one UPDATE of the batch;
memory holds the file's bytes, one chunk of rows and the set of keys counted so far.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import partial
from itertools import islice

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import (
    Household,
    Relation,
    Resident,
)
from welfare.audit import log_action, log_actions
from welfare.errors import RuleError
from welfare.models import Dong, Role
from welfare.scoping import has_role, membership

from .imports import (
    ImportFileError,
    ListReader,
    ParsedRow,
    RowError,
    RowValidator,
    dong_key,
    file_format,
    indicator_lookup,
    person_name,
)
from .models import (
    BigDataRound,
    BigDataTarget,
    Channel,
    CrisisReport,
    DiscoveryPolicy,
    ImportBatch,
    ImportKind,
    ImportRowError,
    ImportStatus,
    ReporterKind,
    RiskIndicator,
    RiskSignal,
    UniversalKind,
    UniversalVisitTarget,
    Urgency,
)
from .universal import follow_up_targets, universal_due

CHUNK_ROWS = 2_000
INSERT_BATCH = 1_000  # rows per INSERT statement (a crisis report has ~30 columns)
UPLOADERS = (Role.DONG_LEAD, Role.DISTRICT_ADMIN)
URGENT_INDICATOR_COUNT = 3


# --- Who may upload, and which batches they see ---------------------------------------------------------------


def can_upload(user) -> bool:
    return has_role(user, *UPLOADERS) and (getattr(user, "is_superuser", False) or membership(user) is not None)


def upload_district_id(user) -> int | None:
    staff = membership(user)
    return staff.district_id if staff is not None else None


def uploader_dong_ids(user) -> frozenset[int] | None:
    """The dongs whose rows an upload by ``user`` may write: a team lead's own; None for the whole district."""
    staff = membership(user)
    if user is None or getattr(user, "is_superuser", False) or staff is None or staff.role != Role.DONG_LEAD:
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
    return batches if staff.role == Role.DISTRICT_ADMIN else batches.filter(uploaded_by=user)


# --- Rounds and uploads ---------------------------------------------------------------------------------------


@transaction.atomic
def round_create(*, by, district_id: int, year: int, number: int, received_on: dt.date,
                 due_on: dt.date) -> BigDataRound:
    if not can_upload(by):
        raise PermissionDenied
    if not 1 <= number <= 6:
        raise RuleError(_("차수는 1부터 6까지입니다."))
    if due_on < received_on:
        raise RuleError(_("회신 기한은 수신일보다 빠를 수 없습니다."))
    if BigDataRound.objects.filter(district_id=district_id, year=year, number=number).exists():
        raise RuleError(_("%(year)d년 %(number)d차는 이미 있습니다: 목록에서 고르세요.") % {"year": year, "number": number})
    made = BigDataRound.objects.create(district_id=district_id, year=year, number=number, received_on=received_on,
                                       due_on=due_on)
    log_action(made, "discovery.bigdataround.created", user=by,
               changes={"received_on": str(received_on), "due_on": str(due_on)})
    return made


def _enqueue(batch_id: int) -> None:
    from .tasks import import_batch_run

    import_batch_run.delay(batch_id)


def batch_create(*, by, kind: str, file_name: str, content: bytes,
                 round: BigDataRound | None = None) -> tuple[ImportBatch, bool]:
    """The batch for this file: ``(batch, True)`` when new (its import is enqueued on commit), or the batch the
    same file (same district, kind and SHA-256) already made, ``(batch, False)``, and nothing is created."""
    if not can_upload(by):
        raise PermissionDenied
    district_id = upload_district_id(by)
    if district_id is None:
        raise RuleError(_("소속 구가 없는 계정은 명단을 올릴 수 없습니다."))
    if kind not in ImportKind.values:
        raise RuleError(_("명단 종류를 고르세요."))
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise RuleError(too_big_message())
    try:
        file_format(content)
    except ImportFileError as exc:
        raise RuleError(str(exc)) from exc
    if kind == ImportKind.CRISIS_LIST:
        if round is None:
            raise RuleError(_("빅데이터 명단은 차수를 골라야 합니다."))
        if round.district_id != district_id:
            raise RuleError(_("다른 구의 차수입니다."))
    else:
        round = None
    digest = hashlib.sha256(content).hexdigest()
    same = ImportBatch.objects.defer("content").filter(district_id=district_id, kind=kind, file_sha256=digest)
    existing = same.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                district_id=district_id, kind=kind, round=round, file_name=(file_name or "upload")[-255:],
                file_sha256=digest, content=content, uploaded_by=by,
            )
            log_action(batch, "discovery.importbatch.created", user=by,
                       changes={"kind": kind, "bytes": len(content), "sha256": digest})
            transaction.on_commit(partial(_enqueue, batch.pk))
    except IntegrityError:  # the same file sent twice at once: the other request made the batch
        return same.get(), False
    return batch, True


def too_big_message() -> str:
    return _("파일이 너무 큽니다. %(mb)s MB까지 올릴 수 있습니다.") % {
        "mb": f"{settings.IMPORT_MAX_BYTES / (1024 * 1024):g}"}


# --- Claiming and finishing a batch (the task's compare-and-set steps) ----------------------------------------


def batch_claim(batch_id: int, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """Mark the batch running if it is waiting or failed, or running for longer than a task may live (its
    worker died). The UPDATE is the lock: two workers never both get 1. Returns the claim time or None."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    waiting = ImportBatch.objects.filter(pk=batch_id, status__in=[ImportStatus.PENDING, ImportStatus.FAILED])
    crashed = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING, started_at__lt=stale)
    for candidates in (waiting, crashed):
        if candidates.update(status=ImportStatus.RUNNING, started_at=now, finished_at=None, error_message="") == 1:
            return now
    return None


def batch_mark_done(batch_id: int, *, claimed_at: dt.datetime) -> bool:
    """Done, and the uploaded bytes dropped (the records and error rows keep what is needed)."""
    return ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING, started_at=claimed_at).update(
        status=ImportStatus.DONE, finished_at=timezone.now(), content=b"") == 1


def batch_mark_failed(batch_id: int, *, claimed_at: dt.datetime, message: str) -> bool:
    return ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING, started_at=claimed_at).update(
        status=ImportStatus.FAILED, finished_at=timezone.now(), error_message=message[:500]) == 1


# --- The import -------------------------------------------------------------------------------------------------


@dataclass
class ImportCounts:
    total: int = 0
    processed: int = 0
    created: int = 0
    duplicates: int = 0
    errors: int = 0


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def batch_import(*, batch: ImportBatch, chunk_rows: int = CHUNK_ROWS) -> ImportCounts:
    """Import the rows of ``batch`` (claimed by the caller). Raises :class:`ImportFileError` for a file that
    cannot be imported at all (wrong type, damaged, a required column missing, no data rows): then nothing
    has been written. A re-run starts over and finds the rows already written by their keys."""
    reader = ListReader(bytes(batch.content), batch.kind)
    reader.check()
    total = reader.count()
    if total == 0:
        raise ImportFileError(_("머리글만 있고 데이터 행이 없습니다."))
    writer = CrisisWriter(batch) if batch.kind == ImportKind.CRISIS_LIST else UniversalWriter(batch)
    validator = RowValidator(
        kind=batch.kind, columns=reader.columns, dongs=writer.dongs, indicators=writer.indicator_lookup,
        allowed_dong_ids=uploader_dong_ids(batch.uploaded_by),
    )
    ImportRowError.objects.filter(batch=batch).delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        encoding=reader.encoding or reader.format, total_rows=total, processed_rows=0, created_count=0,
        duplicate_count=0, error_count=0,
    )
    counts = ImportCounts(total=total)
    for chunk in _chunks(reader.rows(validator), chunk_rows):
        good = [row for row in chunk if isinstance(row, ParsedRow)]
        bad = [row for row in chunk if isinstance(row, RowError)]
        with transaction.atomic():
            created = writer.write(good) if good else 0
            ImportRowError.objects.bulk_create(
                [ImportRowError(batch_id=batch.pk, line=e.line, reason=e.reason, raw=e.raw) for e in bad],
                batch_size=INSERT_BATCH, ignore_conflicts=True,
            )
            counts.processed += len(chunk)
            counts.created += created
            counts.duplicates += len(good) - created
            counts.errors += len(bad)
            # Last in the chunk's transaction, so the batch row is locked only for an instant.
            ImportBatch.objects.filter(pk=batch.pk).update(
                processed_rows=counts.processed, created_count=counts.created,
                duplicate_count=counts.duplicates, error_count=counts.errors,
            )
    log_action(batch, "discovery.importbatch.imported", user=batch.uploaded_by, changes=asdict(counts))
    return counts


class _Writer:
    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.district_id = batch.district_id
        self.dongs = {dong_key(name): pk for pk, name in
                      Dong.objects.filter(district_id=self.district_id).values_list("pk", "name")}
        self.indicator_lookup = {}
        self.counted: set[str] = set()  # keys counted as created in this run (a key twice in a file counts once)

    def _count_created(self, keys: Iterable[str]) -> int:
        fresh = [k for k in keys if k not in self.counted]
        self.counted.update(fresh)
        return len(fresh)


class CrisisWriter(_Writer):
    """Crisis-list rows → crisis reports (channel: big-data list) with their round target and indicators."""

    def __init__(self, batch: ImportBatch):
        super().__init__(batch)
        if batch.round_id is None:
            raise ImportFileError(_("빅데이터 명단에 차수가 없습니다."))
        self.round = batch.round
        self.policy = DiscoveryPolicy.for_district(self.district_id)
        self.indicator_lookup = indicator_lookup(RiskIndicator.objects.all())
        self.indicators = {i.pk: i for i in self.indicator_lookup.values()}
        self.signal_order = list(RiskSignal.values)
        # Translated once: gettext per row would be a tenth of the import's time.
        self.text = {
            "title": _("%(round)s 복지사각지대 빅데이터 명단") % {"round": self.round},
            "indicators": _("위기지표(%(n)d): %(names)s"), "priority": _("우선순위: %(p)s"),
            "born": _("%(day)s생"), "points": _("%(score)d점"),
            "high": _("높음"), "medium": _("보통"), "low": _("낮음"), "M": _("남"), "F": _("여"),
        }

    def key(self, row: ParsedRow) -> str:
        r = self.round
        return _sha256(f"{ImportKind.CRISIS_LIST}|{r.year}-{r.number}|{person_name(row.name)}"
                       f"|{row.birth_date:%Y%m%d}|{row.address_key}")

    def receipt_code(self, key: str) -> str:
        digest = hashlib.sha256(f"{self.district_id}:{key}".encode()).digest()
        return "BD" + base64.b32encode(digest).decode()[:14]

    def _households(self, rows: Iterable[ParsedRow]) -> dict[tuple[str, str], int]:
        """(address key, name) → household of a current resident of that name at that address: one query."""
        rows = list(rows)
        found = (
            Resident.objects.filter(
                left_on__isnull=True, household__dong__district_id=self.district_id,
                household__anonymised_at__isnull=True,
                household__address_key__in={r.address_key for r in rows}, name__in={r.name for r in rows},
            ).order_by("household_id").values_list("household__address_key", "name", "household_id")
        )
        out: dict[tuple[str, str], int] = {}
        for key, name, household_id in found:
            out.setdefault((key, name), household_id)
        return out

    def _report(self, key: str, row: ParsedRow, household_id: int | None, now: dt.datetime) -> CrisisReport:
        text = self.text
        indicators = [self.indicators[pk] for pk in row.indicator_ids]
        signals = sorted({i.signal for i in indicators}, key=self.signal_order.index)
        urgent = row.priority == "high" or len(indicators) >= URGENT_INDICATOR_COUNT
        priority = text[row.priority] if row.priority else ""
        if row.priority_score is not None:
            points = text["points"] % {"score": row.priority_score}
            priority = f"{priority} ({points})" if priority else points
        lines = [text["title"], text["indicators"] % {"n": len(indicators),
                                                      "names": ", ".join(i.name for i in indicators)}]
        if priority:
            lines.append(text["priority"] % {"p": priority})
        sex = text[row.sex] if row.sex else ""
        address = f"{row.address}, {row.address_detail}" if row.address_detail else row.address
        return CrisisReport(
            district_id=self.district_id, dong_id=row.dong_id, received_at=now, channel=Channel.BIGDATA,
            reporter_kind=ReporterKind.ANONYMOUS, subject_name=row.name, subject_address=address[:200],
            subject_phone=row.phone, subject_description=" · ".join(
                p for p in (text["born"] % {"day": f"{row.birth_date:%Y-%m-%d}"}, sex) if p),
            household_id=household_id, risk_signals=signals, details="\n".join(lines),
            urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
            first_contact_due_at=self.policy.first_contact_due(received_at=now, urgent=urgent),
            receipt_code=self.receipt_code(key), import_batch_id=self.batch.pk, import_key=key,
        )

    def write(self, rows: list[ParsedRow]) -> int:
        by_key: dict[str, ParsedRow] = {}
        for row in rows:
            by_key.setdefault(self.key(row), row)  # the same person twice in a file: the first row counts
        households = self._households(by_key.values())
        now = timezone.now()
        CrisisReport.objects.bulk_create(
            [self._report(k, r, households.get((r.address_key, r.name)), now) for k, r in by_key.items()],
            batch_size=INSERT_BATCH, ignore_conflicts=True,
        )
        # Ours: written now, or by an earlier run of this batch that a crash interrupted (then counted again,
        # since a re-run starts its counts over). Reports of other batches with these keys are "already there".
        mine = list(
            CrisisReport.objects.filter(district_id=self.district_id, import_key__in=list(by_key),
                                        import_batch_id=self.batch.pk)
            .annotate(has_target=Exists(BigDataTarget.objects.filter(report=OuterRef("pk"))))
            .values_list("pk", "import_key", "dong_id", "has_target")
        )
        targets = [
            (BigDataTarget(round_id=self.round.pk, dong_id=dong_id, report_id=pk,
                           priority_score=by_key[key].priority_score), by_key[key].indicator_ids)
            for pk, key, dong_id, has_target in mine if not has_target
        ]
        BigDataTarget.objects.bulk_create([t for t, _ids in targets], batch_size=INSERT_BATCH)
        through = BigDataTarget.indicators.through
        through.objects.bulk_create(
            [through(bigdatatarget_id=t.pk, riskindicator_id=i) for t, ids in targets for i in ids],
            batch_size=INSERT_BATCH * 4,
        )
        return self._count_created(key for _pk, key, _dong, _has in mine)


class UniversalWriter(_Writer):
    """Turning-65 and newborn rows → a household (matched or new), a universal-visit target and one open
    universal follow-up per household (the follow-up constraint keeps it one)."""

    def __init__(self, batch: ImportBatch):
        super().__init__(batch)
        self.kind = UniversalKind.NEWBORN if batch.kind == ImportKind.NEWBORN else UniversalKind.TURNING_65
        self.today = timezone.localdate()
        self.user = batch.uploaded_by
        self.created_households: dict[str, int] = {}  # address key → household this run created

    def person(self, row: ParsedRow) -> str:
        if self.kind == UniversalKind.NEWBORN:
            return row.child_name or row.parent
        return row.name

    def key(self, row: ParsedRow) -> str:
        return _sha256(f"{person_name(self.person(row))}|{row.birth_date:%Y%m%d}|{row.address_key}")

    def _match(self, rows: dict[str, ParsedRow]) -> dict[str, tuple[int, int | None, int | None]]:
        """person key → (household, resident, household's official) for rows matching an existing household:
        the turning-65 person by address and name among current residents, a newborn family by address."""
        keys = {r.address_key for r in rows.values()}
        if self.kind == UniversalKind.TURNING_65:
            found = Resident.objects.filter(
                left_on__isnull=True, household__dong__district_id=self.district_id,
                household__anonymised_at__isnull=True, household__address_key__in=keys,
                name__in={r.name for r in rows.values()},
            ).order_by("household_id", "pk").values_list(
                "household__address_key", "name", "household_id", "pk", "household__assigned_official_id")
            people: dict[tuple[str, str], tuple[int, int | None, int | None]] = {}
            for address, name, household_id, resident_id, official in found:
                people.setdefault((address, name), (household_id, resident_id, official))
            return {k: people[(r.address_key, r.name)] for k, r in rows.items() if (r.address_key, r.name) in people}
        homes = Household.objects.filter(
            dong__district_id=self.district_id, anonymised_at__isnull=True, address_key__in=keys,
        ).order_by("pk").values_list("address_key", "pk", "assigned_official_id")
        places: dict[str, tuple[int, int | None, int | None]] = {}
        for address, household_id, official in homes:
            places.setdefault(address, (household_id, None, official))
        return {k: places[r.address_key] for k, r in rows.items() if r.address_key in places}

    def _settle(self, rows: dict[str, ParsedRow], place: dict) -> None:
        """Households and residents for the rows no existing household matched (bulk; address key set by hand,
        since bulk_create skips ``save()``). Two people of one new address share the household."""
        new_homes: dict[str, Household] = {}
        for key, row in rows.items():
            if key not in place and row.address_key not in self.created_households:
                new_homes.setdefault(row.address_key, Household(
                    dong_id=row.dong_id, road_address=row.address[:200], address_detail=row.address_detail[:100],
                    housing_type="", address_key=row.address_key))
        Household.objects.bulk_create(list(new_homes.values()), batch_size=INSERT_BATCH)
        self.created_households.update({k: h.pk for k, h in new_homes.items()})
        needs_head = set(new_homes)
        residents: list[Resident] = []
        person_of: dict[str, Resident] = {}
        for key, row in rows.items():
            if key in place:
                continue
            household_id = self.created_households[row.address_key]
            head = row.address_key in needs_head
            needs_head.discard(row.address_key)
            if self.kind == UniversalKind.NEWBORN:
                if head:
                    residents.append(Resident(household_id=household_id, name=row.parent, relation=Relation.HEAD,
                                              phone=row.phone))
                if row.child_name:
                    person_of[key] = Resident(household_id=household_id, name=row.child_name, relation=Relation.CHILD,
                                              birth_date=row.birth_date, sex=row.sex)
            else:
                # Someone else on the list at an address this import created a household for: living together,
                # relation unknown until the visit.
                person_of[key] = Resident(household_id=household_id, name=row.name, birth_date=row.birth_date,
                                          sex=row.sex, phone=row.phone,
                                          relation=Relation.HEAD if head else Relation.COHABITANT)
            place[key] = (household_id, None, None)
        residents.extend(person_of.values())
        Resident.objects.bulk_create(residents, batch_size=INSERT_BATCH)
        for key, resident in person_of.items():
            place[key] = (place[key][0], resident.pk, None)
        reason = _("명단 업로드: %(file)s") % {"file": self.batch.file_name}
        log_actions(new_homes.values(), "households.household.created", user=self.user, reason=reason)
        log_actions(residents, "households.resident.created", user=self.user, reason=reason)

    def write(self, rows: list[ParsedRow]) -> int:
        by_key: dict[str, ParsedRow] = {}
        for row in rows:
            by_key.setdefault(self.key(row), row)
        known = dict(UniversalVisitTarget.objects.filter(
            district_id=self.district_id, kind=self.kind, person_key__in=list(by_key),
        ).values_list("person_key", "batch_id"))
        created = self._count_created(k for k, b in known.items() if b == self.batch.pk)
        fresh = {k: r for k, r in by_key.items() if k not in known}
        if not fresh:
            return created
        place = self._match(fresh)
        if self.kind == UniversalKind.TURNING_65 and place:
            # The daily universal_visits job keys its own turning-65 targets by resident: a resident it already
            # made a target for is already present, not a second visit.
            by_resident = {place[k][1]: k for k in place if place[k][1] is not None}
            taken = UniversalVisitTarget.objects.filter(
                kind=self.kind, resident_id__in=list(by_resident)).values_list("resident_id", flat=True)
            for resident_id in set(taken):
                fresh.pop(by_resident[resident_id], None)
            if not fresh:
                return created
        self._settle(fresh, place)
        due = {k: universal_due(self.kind, r.birth_date, self.today) for k, r in fresh.items()}
        UniversalVisitTarget.objects.bulk_create([
            UniversalVisitTarget(district_id=self.district_id, kind=self.kind, household_id=place[k][0],
                                 resident_id=place[k][1], person_key=k, due_on=due[k], batch_id=self.batch.pk)
            for k in fresh
        ], batch_size=INSERT_BATCH, ignore_conflicts=True)
        follow_up_targets(UniversalVisitTarget.objects.filter(
            district_id=self.district_id, kind=self.kind, person_key__in=list(fresh), follow_up__isnull=True))
        return created + self._count_created(fresh)
