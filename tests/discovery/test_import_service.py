"""The set-based import (discovery.imports.batch_import): crisis lists, universal lists, errors, idempotency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discovery.imports import ImportFileError
from discovery.models import (
    BigDataTarget,
    CrisisReport,
    DiscoveryPolicy,
    ImportBatch,
    ImportKind,
    ImportRowError,
    UniversalKind,
    UniversalVisitTarget,
)
from discovery.services.universal import universal_due
from households.models import FollowUp, FollowUpReason, FollowUpStatus, Household, Resident
from tests.factories import HouseholdFactory, ResidentFactory, staff_user
from welfare.common.addresses import address_key
from welfare.models import Role

from .factories_imports import (
    CRISIS_HEADER,
    NEWBORN_HEADER,
    UNIVERSAL_HEADER,
    crisis_row,
    csv_bytes,
    make_batch,
    make_round,
    run,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(seongdong):
    return make_round(seongdong)


def crisis_batch(district, rows, *, round_, encoding="utf-8", by=None, header=CRISIS_HEADER, name="list.csv"):
    return make_batch(district, csv_bytes(header, rows, encoding=encoding), round=round_, by=by, file_name=name)


# --- Crisis lists ----------------------------------------------------------------------------------------------


def test_a_crisis_row_becomes_a_bigdata_report_with_its_target_and_indicators(dong, round_, district_admin):
    # given a CP949 list with one urgent row (three indicators) and one normal row
    batch = crisis_batch(dong.district, [
        crisis_row(1, indicators="elec_arrears, water_arrears, 건강보험료 체납", priority="하"),
        crisis_row(2, "마장동", indicators="nhi_arrears", priority="40"),
    ], round_=round_, encoding="cp949", by=district_admin)

    # when it is imported
    counts = run(batch)

    # then two reports, counted as created, with the list's facts
    assert (counts.total, counts.processed, counts.created, counts.duplicates, counts.errors) == (2, 2, 2, 0, 0)
    first, second = CrisisReport.objects.order_by("subject_name")
    assert first.channel == "bigdata" and first.reporter_kind == "anonymous"
    assert first.dong == dong and first.district == dong.district and first.import_batch_id == batch.pk
    assert first.subject_address == "서울특별시 성동구 왕십리로 1, 1호"
    assert first.subject_phone == "01000010001"
    assert first.risk_signals == ["utility_arrears", "nhi_arrears"]  # three indicators, two signals
    assert first.urgency == "urgent" and second.urgency == "normal"
    assert "전기요금 체납" in first.details and "2025년 1차" in first.details
    assert first.first_contact_due_at == first.received_at + dt.timedelta(hours=24)
    assert second.first_contact_due_at == second.received_at + dt.timedelta(days=7)
    assert first.receipt_code.startswith("BD") and len(first.receipt_code) == 16
    assert "1950-01-02생" in first.subject_description
    target = BigDataTarget.objects.get(report=first)
    assert target.round == round_ and target.dong == dong and target.result_code == ""
    assert sorted(target.indicators.values_list("code", flat=True)) == ["elec_arrears", "nhi_arrears",
                                                                         "water_arrears"]
    assert BigDataTarget.objects.get(report=second).priority_score == 40
    batch.refresh_from_db()
    assert (batch.total_rows, batch.processed_rows, batch.created_count, batch.encoding) == (2, 2, 2, "cp949")


def test_the_district_policy_sets_the_first_contact_deadline(dong, round_):
    DiscoveryPolicy.objects.create(district=dong.district, urgent_first_contact_hours=12, normal_first_contact_days=3)

    run(crisis_batch(dong.district, [crisis_row(1, priority="상"), crisis_row(2, priority="")], round_=round_))

    urgent, normal = CrisisReport.objects.order_by("-urgency", "subject_name")
    assert urgent.first_contact_due_at - urgent.received_at == dt.timedelta(hours=12)
    assert normal.first_contact_due_at - normal.received_at == dt.timedelta(days=3)


def test_a_report_finds_the_household_where_a_current_resident_of_that_name_lives(dong, round_):
    # given a household at the row's address with a resident of that name, and one who left another
    home = HouseholdFactory(dong=dong, road_address="서울특별시 성동구 왕십리로 1", address_detail="1호")
    ResidentFactory(household=home, name="김민001")
    gone = HouseholdFactory(dong=dong, road_address="서울 성동구 왕십리로 2", address_detail="2호")
    ResidentFactory(household=gone, name="김민002", left_on=timezone.localdate())

    run(crisis_batch(dong.district, [crisis_row(1), crisis_row(2)], round_=round_))

    assert dict(CrisisReport.objects.values_list("subject_name", "household_id")) == {"김민001": home.pk,
                                                                                      "김민002": None}


def test_bad_rows_are_stored_with_their_line_numbers_while_the_good_rows_go_in(dong, round_):
    batch = crisis_batch(dong.district, [
        crisis_row(1), crisis_row(2, birth="1950.13.01"), crisis_row(3), crisis_row(4, dong="서초동"), crisis_row(5),
    ], round_=round_)

    counts = run(batch)

    assert (counts.created, counts.errors) == (3, 2)
    assert CrisisReport.objects.count() == 3
    errors = list(ImportRowError.objects.filter(batch=batch).values_list("line", "reason"))
    assert [line for line, _reason in errors] == [3, 5]
    assert "생년월일" in errors[0][1] and "서초동" in errors[1][1]
    assert ImportRowError.objects.get(line=3).raw.startswith("김민002,1950.13.01,")


def test_the_same_rows_in_another_file_create_nothing_and_count_as_already_present(dong, round_):
    # given a list imported once
    run(crisis_batch(dong.district, [crisis_row(1), crisis_row(2)], round_=round_))

    # when the same rows come again in a differently saved file (XLSX, other spacing of the name)
    rows = [crisis_row(1), crisis_row(2)]
    rows[0][0] = "김 민001"
    again = make_batch(dong.district, xlsx_bytes(CRISIS_HEADER, rows), round=round_, file_name="again.xlsx")
    counts = run(again)

    # then nothing is created twice
    assert (counts.created, counts.duplicates) == (0, 2)
    assert CrisisReport.objects.count() == 2 and BigDataTarget.objects.count() == 2


def test_the_same_person_in_the_next_round_is_a_new_target(dong, round_):
    run(crisis_batch(dong.district, [crisis_row(1)], round_=round_))

    counts = run(crisis_batch(dong.district, [crisis_row(1), crisis_row(2)],
                              round_=make_round(dong.district, number=2), name="second.csv"))

    assert counts.created == 2 and BigDataTarget.objects.count() == 3


def test_rerunning_a_batch_finds_its_own_rows_and_creates_nothing_more(dong, round_):
    batch = crisis_batch(dong.district, [crisis_row(n) for n in range(1, 6)], round_=round_)
    first = run(batch)

    second = run(batch)

    assert first.created == second.created == 5 and second.duplicates == 0
    assert CrisisReport.objects.count() == 5 and BigDataTarget.objects.count() == 5
    assert BigDataTarget.indicators.through.objects.count() == 10


def test_a_half_done_batch_resumes_without_duplicates(dong, round_, monkeypatch):
    # given a batch whose worker died after the first chunk
    from discovery import imports

    batch = crisis_batch(dong.district, [crisis_row(n) for n in range(1, 6)], round_=round_)
    real_write = imports.CrisisWriter.write
    calls = {"n": 0}

    def dying_write(self, rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real_write(self, rows)

    monkeypatch.setattr(imports.CrisisWriter, "write", dying_write)
    with pytest.raises(RuntimeError):
        imports.batch_import(batch=ImportBatch.objects.get(pk=batch.pk), chunk_rows=2)
    assert CrisisReport.objects.count() == 2  # the first chunk only; the second rolled back whole

    # when it runs again
    monkeypatch.setattr(imports.CrisisWriter, "write", real_write)
    counts = imports.batch_import(batch=ImportBatch.objects.get(pk=batch.pk), chunk_rows=2)

    # then every row is there once, and the counts are the whole batch's
    assert (counts.created, counts.duplicates) == (5, 0)
    assert CrisisReport.objects.count() == 5 and BigDataTarget.objects.count() == 5


def test_a_person_twice_in_one_file_is_created_once_even_across_chunks(dong, round_):
    from discovery import imports

    batch = crisis_batch(dong.district, [crisis_row(1), crisis_row(2), crisis_row(3), crisis_row(1)], round_=round_)

    counts = imports.batch_import(batch=ImportBatch.objects.get(pk=batch.pk), chunk_rows=3)

    assert (counts.created, counts.duplicates) == (3, 1)
    assert CrisisReport.objects.count() == 3


def test_a_missing_required_column_stops_before_any_row(dong, round_):
    batch = crisis_batch(dong.district, [["김민", "1950-01-02", "왕십리로 1", "왕십리도선동"]], round_=round_,
                         header=["성명", "생년월일", "주소", "행정동"])

    with pytest.raises(ImportFileError, match="필수 열이 없습니다: 위기지표"):
        run(batch)

    assert CrisisReport.objects.count() == 0 and ImportRowError.objects.count() == 0
    batch.refresh_from_db()
    assert batch.total_rows == 0 and batch.processed_rows == 0


def test_a_header_only_file_fails_with_nothing_written(dong, round_):
    batch = make_batch(dong.district, csv_bytes(CRISIS_HEADER, []), round=round_)

    with pytest.raises(ImportFileError, match="데이터 행이 없습니다"):
        run(batch)


def test_a_team_leads_list_writes_only_their_dongs_rows(dong, second_dong, round_, lead):
    batch = crisis_batch(dong.district, [crisis_row(1), crisis_row(2, "마장동")], round_=round_, by=lead)

    counts = run(batch)

    assert (counts.created, counts.errors) == (1, 1)
    assert "담당하지 않는 행정동" in ImportRowError.objects.get().reason


def test_the_import_is_set_based_its_reads_do_not_grow_with_the_rows(dong, round_):
    # given two lists of 10 and 300 rows, each one chunk
    def statements(n, number):
        batch = crisis_batch(dong.district, [crisis_row(i) for i in range(1, n + 1)],
                             round_=make_round(dong.district, number=number), name=f"{n}.csv")
        batch = ImportBatch.objects.select_related("round", "uploaded_by").get(pk=batch.pk)
        from discovery import imports

        with CaptureQueriesContext(connection) as queries:
            imports.batch_import(batch=batch)
        sql = [q["sql"].lstrip().upper() for q in queries.captured_queries]
        return [s for s in sql if not s.startswith("INSERT")], [s for s in sql if s.startswith("INSERT")]

    small_reads, _small_inserts = statements(10, 2)
    big_reads, big_inserts = statements(300, 3)

    # then the same statements other than INSERTs, and INSERTs by the hundred rows, never one per row
    # (SQLite caps an INSERT at 999 parameters, so a 30-column report INSERT holds ~30 rows; PostgreSQL 1,000)
    assert len(big_reads) == len(small_reads)
    assert len(big_inserts) < 300 / 10


# --- Universal lists ------------------------------------------------------------------------------------------


def universal_batch(district, rows, *, kind=ImportKind.TURNING_65, by=None, name="u.csv"):
    header = NEWBORN_HEADER if kind == ImportKind.NEWBORN else UNIVERSAL_HEADER
    return make_batch(district, csv_bytes(header, rows), kind=kind, by=by, file_name=name)


def turning_65_row(name: str, *, born: dt.date, road: str = "서울특별시 성동구 마조로 7", detail: str = "",
                   dong: str = "왕십리도선동") -> list[str]:
    return [name, f"{born:%Y%m%d}", road, detail, dong, "010-0123-4567", "여"]


def test_a_new_person_turning_65_gets_a_new_household_a_target_and_one_follow_up(dong):
    # given someone whose 65th birthday is in three months, at an address no household has
    born = timezone.localdate().replace(day=15) - dt.timedelta(days=365 * 65 - 90)
    batch = universal_batch(dong.district, [turning_65_row("박순자", born=born, detail="3층")])

    counts = run(batch)

    assert counts.created == 1
    home = Household.objects.get()
    assert home.dong == dong and home.address_key == address_key("서울특별시 성동구 마조로 7", "3층")
    person = Resident.objects.get()
    assert (person.name, person.relation, person.birth_date, person.sex) == ("박순자", "head", born, "F")
    target = UniversalVisitTarget.objects.get()
    assert (target.kind, target.household, target.resident, target.batch_id) == ("turning_65", home, person, batch.pk)
    follow_up = FollowUp.objects.get()
    assert follow_up.reason == FollowUpReason.UNIVERSAL and follow_up.household == home
    assert follow_up.due_on == target.due_on == universal_due(UniversalKind.TURNING_65, born, timezone.localdate())
    assert target.follow_up == follow_up


def test_the_65_visit_is_due_on_the_first_of_the_birthday_month_or_today_when_past():
    today = dt.date(2025, 6, 10)

    assert universal_due(UniversalKind.TURNING_65, dt.date(1960, 8, 20), today) == dt.date(2025, 8, 1)
    assert universal_due(UniversalKind.TURNING_65, dt.date(1960, 3, 20), today) == today
    assert universal_due(UniversalKind.TURNING_65, dt.date(1960, 2, 29), today) == today
    assert universal_due(UniversalKind.NEWBORN, dt.date(2025, 6, 1), today) == dt.date(2025, 7, 13)


def test_a_known_resident_turning_65_is_matched_to_their_household_and_its_official(dong, official):
    born = dt.date(timezone.localdate().year - 65, 12, 1)
    home = HouseholdFactory(dong=dong, road_address="서울특별시 성동구 마조로 7", address_detail="",
                            assigned_official=official)
    resident = ResidentFactory(household=home, name="박순자")

    run(universal_batch(dong.district, [turning_65_row("박순자", born=born, road="성동구 마조로 7")]))

    assert Household.objects.count() == 1
    target = UniversalVisitTarget.objects.get()
    assert (target.household, target.resident) == (home, resident)
    assert FollowUp.objects.get().assigned_to == official


def test_a_universal_list_makes_one_follow_up_per_household_once(dong):
    # given a couple both turning 65 at one new address, imported
    born = dt.date(timezone.localdate().year - 65, 11, 3)
    rows = [turning_65_row("박순자", born=born), turning_65_row("김철수", born=born + dt.timedelta(days=20))]
    batch = universal_batch(dong.district, rows)
    first = run(batch)

    # when the same batch runs again, and a second list with the same people arrives
    run(batch)
    second = run(universal_batch(dong.district, list(reversed(rows)), name="again.csv"))

    # then one household, two targets, one follow-up, and the second list counts both as present
    assert first.created == 2 and (second.created, second.duplicates) == (0, 2)
    assert Household.objects.count() == 1
    assert sorted(Resident.objects.values_list("name", "relation")) == [("김철수", "cohabitant"), ("박순자", "head")]
    assert UniversalVisitTarget.objects.count() == 2
    follow_up = FollowUp.objects.get()
    assert set(UniversalVisitTarget.objects.values_list("follow_up", flat=True)) == {follow_up.pk}


def test_a_list_arriving_after_the_visit_was_done_makes_no_new_follow_up(dong):
    born = dt.date(timezone.localdate().year - 65, 11, 3)
    run(universal_batch(dong.district, [turning_65_row("박순자", born=born)]))
    FollowUp.objects.update(status=FollowUpStatus.DONE)

    run(universal_batch(dong.district, [turning_65_row("박순자", born=born), turning_65_row("새사람", born=born,
                                                                                       road="성동구 무학로 1")],
                        name="later.csv"))

    assert FollowUp.objects.filter(household__residents__name="박순자").count() == 1


def test_a_resident_the_daily_job_already_targeted_is_already_present(dong):
    # given the universal_visits job made a target for this resident (its own key: by resident)
    home = HouseholdFactory(dong=dong, road_address="서울특별시 성동구 마조로 7", address_detail="")
    resident = ResidentFactory(household=home, name="박순자", birth_date=dt.date(1960, 12, 1))
    UniversalVisitTarget.objects.create(district=dong.district, kind=UniversalKind.TURNING_65, household=home,
                                        resident=resident, person_key="job-key", due_on=dt.date(2025, 12, 1))

    counts = run(universal_batch(dong.district, [turning_65_row("박순자", born=dt.date(1960, 12, 1))]))

    assert (counts.created, counts.duplicates) == (0, 1)
    assert UniversalVisitTarget.objects.count() == 1 and FollowUp.objects.count() == 0


def test_a_household_with_an_open_universal_follow_up_keeps_it_and_the_target_links_to_it(dong):
    home = HouseholdFactory(dong=dong, road_address="서울특별시 성동구 마조로 7", address_detail="")
    ResidentFactory(household=home, name="박순자")
    existing = FollowUp.objects.create(household=home, due_on=timezone.localdate(), reason=FollowUpReason.UNIVERSAL)

    run(universal_batch(dong.district, [turning_65_row("박순자", born=dt.date(1960, 12, 1))]))

    assert FollowUp.objects.get() == existing
    assert UniversalVisitTarget.objects.get().follow_up == existing


def test_a_newborn_family_is_matched_by_address_and_due_six_weeks_after_birth(dong, official):
    home = HouseholdFactory(dong=dong, road_address="서울특별시 성동구 왕십리로 50", address_detail="101동 1203호",
                            assigned_official=official)
    born = timezone.localdate() - dt.timedelta(days=5)
    row = ["이영희", "김아기", f"{born:%Y-%m-%d}", "성동구 왕십리로 50", "101동 1203호", "왕십리도선동", ""]

    counts = run(universal_batch(dong.district, [row], kind=ImportKind.NEWBORN))

    assert counts.created == 1 and Household.objects.count() == 1
    target = UniversalVisitTarget.objects.get()
    assert (target.kind, target.household, target.resident) == ("newborn", home, None)
    follow_up = FollowUp.objects.get()
    assert follow_up.due_on == born + dt.timedelta(days=42) and follow_up.assigned_to == official


def test_a_new_newborn_family_gets_the_parent_as_head_and_the_child(dong):
    born = timezone.localdate() - dt.timedelta(days=3)
    rows = [["이영희", "김하나", f"{born:%Y%m%d}", "성동구 무학로 9", "", "왕십리도선동", "01001112222"],
            ["이영희", "김두리", f"{born:%Y%m%d}", "성동구 무학로 9", "", "왕십리도선동", "01001112222"]]

    run(universal_batch(dong.district, rows, kind=ImportKind.NEWBORN))

    assert Household.objects.count() == 1
    assert sorted(Resident.objects.values_list("name", "relation")) == [
        ("김두리", "child"), ("김하나", "child"), ("이영희", "head")]
    assert UniversalVisitTarget.objects.count() == 2 and FollowUp.objects.count() == 1
    assert not UniversalVisitTarget.objects.filter(resident__isnull=True).exists()


def test_households_a_list_creates_are_in_the_access_log(dong, district_admin):
    from welfare.models import AccessLog

    run(universal_batch(dong.district, [turning_65_row("박순자", born=dt.date(1960, 12, 1))], by=district_admin))

    entry = AccessLog.objects.get(verb="households.household.created")
    assert entry.user == district_admin and "명단 업로드" in entry.reason


def test_the_universal_writer_is_set_based(dong):
    # the reads of a 5-row and a 100-row list are the same statements
    def reads(n, tag):
        rows = [turning_65_row(f"사람{tag}{i}", born=dt.date(1960, 12, 1), road=f"성동구 마조로 {i}")
                for i in range(n)]
        batch = universal_batch(dong.district, rows, name=f"{tag}.csv")
        with CaptureQueriesContext(connection) as queries:
            run(batch)
        return [q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("INSERT")]

    assert len(reads(5, "a")) == len(reads(100, "b"))


def test_a_lead_of_another_dong_imports_only_that_dongs_rows(dong, second_dong):
    # a lead of 마장동 only: a row of 왕십리도선동 is refused, a row of 마장동 goes in
    lead = staff_user(Role.DONG_LEAD, district=dong.district, dongs=[second_dong], username="lead2")
    batch = universal_batch(dong.district, [turning_65_row("가", born=dt.date(1960, 12, 1)),
                                            turning_65_row("나", born=dt.date(1960, 12, 1), dong="마장동")], by=lead)

    counts = run(batch)

    assert (counts.created, counts.errors) == (1, 1)
