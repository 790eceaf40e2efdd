"""Writing a chunk of checked rows, set-based: crisis-list rows become crisis reports with their round target,
turning-65 and newborn rows a household (matched or new), a universal-visit target and a follow-up.

Every written row carries a key derived from its content (``CrisisReport.import_key``,
``UniversalVisitTarget.person_key``) under a unique constraint, so a second upload of the same rows, or a
chunk written again by a run that was presumed dead, creates nothing twice. A chunk costs a fixed number of
statements, never one per row. The writers hold no state between chunks that the counts depend on: a key is
"created" when this chunk inserted it, so a resumed batch (:mod:`.runner`) counts exactly as an uninterrupted
one (a person twice in a file is created once and "already there" once, whichever chunks they are in).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterable

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import Household, Relation, Resident
from households.ownership import AreaMatcher, owner_expr
from welfare.audit import log_actions
from welfare.common.textkeys import compact, dong_key
from welfare.models import Dong

from ..models import (
    BigDataTarget,
    Channel,
    CrisisReport,
    DiscoveryPolicy,
    ImportBatch,
    ImportKind,
    ListSystem,
    ReporterKind,
    RiskSignal,
    UniversalKind,
    UniversalVisitTarget,
    UnmappedIndicator,
    Urgency,
)
from ..services.universal import follow_up_targets, universal_due
from .reading import ImportFileError
from .rows import ParsedRow
from .values import catalogue_lookup, unknown_key

INSERT_BATCH = 1_000  # rows per INSERT statement (a crisis report has ~30 columns)
URGENT_INDICATOR_COUNT = 3


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class _Writer:
    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.district_id = batch.district_id
        self.dongs = {dong_key(name): pk for pk, name in
                      Dong.objects.filter(district_id=self.district_id).values_list("pk", "name")}
        self.indicator_lookup = {}
        # The 통s of the district's dongs (one query): a new household's 통, and the owner of a row not tied to a
        # household (the 통's official; nobody: the dong's queue, the district's without a dong).
        self.areas = AreaMatcher(self.dongs.values())


class CrisisWriter(_Writer):
    """Rows of a Ministry list (the blind-spot list or the lonely-death list) → crisis reports (channel: that
    list) with their round target and indicators. A name the catalogue does not know is kept as written
    (:class:`UnmappedIndicator`, one row per name) for a district admin to map; the row is imported all the same."""

    def __init__(self, batch: ImportBatch):
        super().__init__(batch)
        if batch.round_id is None:
            raise ImportFileError(_("빅데이터 명단에 차수가 없습니다."))
        self.round = batch.round
        self.kind = batch.kind
        self.channel = Channel.LONELY_DEATH if self.round.system == ListSystem.LONELY_DEATH else Channel.BIGDATA
        self.policy = DiscoveryPolicy.for_district(self.district_id)
        self.indicator_lookup = catalogue_lookup()
        self.indicators = {i.pk: i for i in self.indicator_lookup.values()}
        self.signal_order = list(RiskSignal.values)
        title = (_("%(round)s 고독사위기대응시스템 명단") if self.channel == Channel.LONELY_DEATH
                 else _("%(round)s 복지사각지대 빅데이터 명단"))
        # Translated once: gettext per row would be a tenth of the import's time.
        self.text = {
            "title": title % {"round": self.round}, "unmapped": _("%(name)s(미분류)"),
            "indicators": _("위기지표(%(n)d): %(names)s"), "priority": _("우선순위: %(p)s"),
            "born": _("%(day)s생"), "points": _("%(score)d점"),
            "high": _("높음"), "medium": _("보통"), "low": _("낮음"), "M": _("남"), "F": _("여"),
        }

    def key(self, row: ParsedRow) -> str:
        r = self.round
        return _sha256(f"{self.kind}|{r.year}-{r.number}|{compact(row.name)}"
                       f"|{row.birth_date:%Y%m%d}|{row.address_key}")

    def receipt_code(self, key: str) -> str:
        digest = hashlib.sha256(f"{self.district_id}:{key}".encode()).digest()
        return ("LD" if self.channel == Channel.LONELY_DEATH else "BD") + base64.b32encode(digest).decode()[:14]

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

    def _owners(self, household_ids: Iterable[int]) -> dict[int, int | None]:
        return dict(Household.objects.filter(pk__in=list(household_ids)).annotate(owner=owner_expr())
                    .values_list("pk", "owner"))

    def _report(self, key: str, row: ParsedRow, household_id: int | None, now: dt.datetime,
                owners: dict[int, int | None] | None = None) -> CrisisReport:
        text = self.text
        indicators = [self.indicators[pk] for pk in row.indicator_ids]
        signals = sorted({i.signal for i in indicators} | ({RiskSignal.OTHER} if row.unknown_indicators else set()),
                         key=self.signal_order.index)
        count = len(indicators) + len(row.unknown_indicators)
        urgent = row.priority == "high" or count >= URGENT_INDICATOR_COUNT
        priority = text[row.priority] if row.priority else ""
        if row.priority_score is not None:
            points = text["points"] % {"score": row.priority_score}
            priority = f"{priority} ({points})" if priority else points
        names = [i.name for i in indicators] + [text["unmapped"] % {"name": n} for n in row.unknown_indicators]
        lines = [text["title"], text["indicators"] % {"n": count, "names": ", ".join(names)}]
        if priority:
            lines.append(text["priority"] % {"p": priority})
        sex = text[row.sex] if row.sex else ""
        address = f"{row.address}, {row.address_detail}" if row.address_detail else row.address
        return CrisisReport(
            district_id=self.district_id, dong_id=row.dong_id, received_at=now, channel=self.channel,
            reporter_kind=ReporterKind.ANONYMOUS, subject_name=row.name, subject_address=address[:200],
            subject_phone=row.phone, subject_description=" · ".join(
                p for p in (text["born"] % {"day": f"{row.birth_date:%Y-%m-%d}"}, sex) if p),
            household_id=household_id, risk_signals=signals, details="\n".join(lines),
            urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
            first_contact_due_at=self.policy.first_contact_due(received_at=now, urgent=urgent),
            receipt_code=self.receipt_code(key), import_batch_id=self.batch.pk, import_key=key,
            assigned_official_id=((owners or {}).get(household_id) if household_id is not None
                                  else self.areas.owner_id(row.dong_id, row.address)),
        )

    def write(self, rows: list[ParsedRow]) -> int:
        by_key: dict[str, ParsedRow] = {}
        for row in rows:
            by_key.setdefault(self.key(row), row)  # the same person twice in a file: the first row counts
        known = set(CrisisReport.objects.filter(district_id=self.district_id, import_key__in=list(by_key))
                    .values_list("import_key", flat=True))
        fresh = {k: r for k, r in by_key.items() if k not in known}
        households = self._households(fresh.values())
        owners = self._owners(households.values())
        now = timezone.now()
        CrisisReport.objects.bulk_create(
            [self._report(k, r, households.get((r.address_key, r.name)), now, owners) for k, r in fresh.items()],
            batch_size=INSERT_BATCH, ignore_conflicts=True,
        )
        # Ours and written now (a report another batch wrote meanwhile is "already there"); the target is looked
        # for, not assumed, so a chunk written again after a lost claim adds none twice.
        mine = list(
            CrisisReport.objects.filter(district_id=self.district_id, import_key__in=list(fresh),
                                        import_batch_id=self.batch.pk)
            .annotate(has_target=Exists(BigDataTarget.objects.filter(report=OuterRef("pk"))))
            .values_list("pk", "import_key", "dong_id", "has_target")
        )
        targets = [
            (BigDataTarget(round_id=self.round.pk, dong_id=dong_id, report_id=pk, ssis_ref=by_key[key].ssis_ref,
                           priority_score=by_key[key].priority_score), by_key[key])
            for pk, key, dong_id, has_target in mine if not has_target
        ]
        BigDataTarget.objects.bulk_create([t for t, _row in targets], batch_size=INSERT_BATCH)
        through = BigDataTarget.indicators.through
        through.objects.bulk_create(
            [through(bigdatatarget_id=t.pk, riskindicator_id=i) for t, row in targets for i in row.indicator_ids],
            batch_size=INSERT_BATCH * 4,
        )
        self._unmapped(targets)
        return len(mine)

    def _unmapped(self, targets: list[tuple[BigDataTarget, ParsedRow]]) -> None:
        """The names no indicator answers to, once each (first spelling kept), tied to their targets: four
        statements per chunk whatever the number of names."""
        names: dict[str, str] = {}
        for _target, row in sorted(targets, key=lambda pair: pair[1].line):  # the file's first spelling
            for name in row.unknown_indicators:
                names.setdefault(unknown_key(name), name)
        if not names:
            return
        UnmappedIndicator.objects.bulk_create(
            [UnmappedIndicator(key=key[:100], name=name[:100]) for key, name in names.items()],
            batch_size=INSERT_BATCH, ignore_conflicts=True)
        keys = [k[:100] for k in names]
        # A name mapped once whose alias was removed since is unknown again: back in the queue.
        UnmappedIndicator.objects.filter(key__in=keys, mapped_to__isnull=False).update(
            mapped_to=None, mapped_by=None, mapped_at=None)
        ids = dict(UnmappedIndicator.objects.filter(key__in=keys).values_list("key", "pk"))
        through = BigDataTarget.unmapped_indicators.through
        through.objects.bulk_create(
            [through(bigdatatarget_id=t.pk, unmappedindicator_id=ids[unknown_key(n)[:100]])
             for t, row in targets for n in dict.fromkeys(row.unknown_indicators)
             if unknown_key(n)[:100] in ids],
            batch_size=INSERT_BATCH * 4, ignore_conflicts=True)


class UniversalWriter(_Writer):
    """Turning-65 and newborn rows → a household (matched or new), a universal-visit target and one open
    universal follow-up per household (the follow-up constraint keeps it one)."""

    def __init__(self, batch: ImportBatch):
        super().__init__(batch)
        self.kind = UniversalKind.NEWBORN if batch.kind == ImportKind.NEWBORN else UniversalKind.TURNING_65
        self.today = timezone.localdate()
        self.user = batch.uploaded_by
        self.created_households: dict[str, int] = {}  # address key → household this batch created
        self.resumed = batch.resume_line > 0  # households earlier runs of this batch created are in the database

    def person(self, row: ParsedRow) -> str:
        if self.kind == UniversalKind.NEWBORN:
            return row.child_name or row.parent
        return row.name

    def key(self, row: ParsedRow) -> str:
        return _sha256(f"{compact(self.person(row))}|{row.birth_date:%Y%m%d}|{row.address_key}")

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

    def _households_of_earlier_runs(self, addresses: set[str]) -> None:
        """A resumed batch: the households its earlier runs created at these addresses (made since the upload,
        holding a target of this batch), so a second new person at such an address joins it as before."""
        missing = addresses - set(self.created_households)
        if not missing:
            return
        found = (UniversalVisitTarget.objects.filter(
            batch_id=self.batch.pk, household__address_key__in=missing,
            household__created_at__gte=self.batch.uploaded_at,
        ).order_by("household_id").values_list("household__address_key", "household_id"))
        for address, household_id in found:
            self.created_households.setdefault(address, household_id)

    def _settle(self, rows: dict[str, ParsedRow], place: dict) -> None:
        """Households and residents for the rows no existing household matched (bulk; address key set by hand,
        since bulk_create skips ``save()``). Two people of one new address share the household."""
        if self.resumed:
            self._households_of_earlier_runs({r.address_key for k, r in rows.items() if k not in place})
        new_homes: dict[str, Household] = {}
        for key, row in rows.items():
            if key not in place and row.address_key not in self.created_households:
                new_homes.setdefault(row.address_key, Household(
                    dong_id=row.dong_id, road_address=row.address[:200], address_detail=row.address_detail[:100],
                    housing_type="", address_key=row.address_key,
                    area_id=self.areas.area_id(row.dong_id, row.address)))
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
        known = set(UniversalVisitTarget.objects.filter(
            district_id=self.district_id, kind=self.kind, person_key__in=list(by_key),
        ).values_list("person_key", flat=True))
        fresh = {k: r for k, r in by_key.items() if k not in known}
        if not fresh:
            return 0
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
                return 0
        self._settle(fresh, place)
        due = {k: universal_due(self.kind, r.birth_date, self.today) for k, r in fresh.items()}
        UniversalVisitTarget.objects.bulk_create([
            UniversalVisitTarget(district_id=self.district_id, kind=self.kind, household_id=place[k][0],
                                 resident_id=place[k][1], person_key=k, due_on=due[k], batch_id=self.batch.pk)
            for k in fresh
        ], batch_size=INSERT_BATCH, ignore_conflicts=True)
        follow_up_targets(UniversalVisitTarget.objects.filter(
            district_id=self.district_id, kind=self.kind, person_key__in=list(fresh), follow_up__isnull=True))
        return len(fresh)
