"""The visiting nurse (방문간호사, issue 15 item 4): health visits and health domains in their dong; no case or
plan work, no rewards, no imports, no triage."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import Household, Visit
from tests.api.conftest import bearer_client
from tests.households.factories_cases import household_with_client, make_case
from welfare.errors import RuleError
from welfare.models import ApiToken

pytestmark = pytest.mark.django_db


def visit_data(**overrides) -> services.VisitData:
    values = {"kind": "home", "contact_result": "met", "risk_level": "medium",
              "visited_at": timezone.now() - dt.timedelta(hours=1)}
    return services.VisitData(**{**values, **overrides})


def test_a_nurse_records_a_health_visit_and_does_not_become_the_households_official(household, nurse):
    visit, created = services.visit_record(household=household, by=nurse, data=visit_data(
        needs=(("health", "high", "혈압 조절 안 됨"), ("daily_living", "medium", "식사 거름"))))

    household.refresh_from_db()
    assert created and visit.recorded_by == nurse
    assert sorted(visit.needs.values_list("domain", flat=True)) == ["daily_living", "health"]
    assert household.assigned_official is None and household.next_contact_on is not None


def test_a_nurses_visit_outside_health_kinds_and_domains_is_refused_with_both_reasons(household, nurse, official):
    with pytest.raises(RuleError) as refused:
        services.visit_record(household=household, by=nurse, data=visit_data(
            kind="office", needs=(("income", "high", "체납"), ("health", "low", ""))))

    assert refused.value.message_dict == {
        "kind": ["방문간호사는 가정 방문, 전화 상담, 방문간호사 동행 방문만 기록합니다."],
        "needs": ["방문간호사는 건강 관련 영역(안전, 건강, 일상생활유지)의 욕구만 기록합니다: 경제"],
    }
    assert not Visit.objects.exists()
    # An official records the same visit
    services.visit_record(household=household, by=official, data=visit_data(kind="office",
                                                                          needs=(("income", "high", "체납"),)))
    assert Visit.objects.count() == 1


def test_the_visit_form_offers_a_nurse_only_the_health_kinds_and_domains(client_for, household, nurse):
    client = client_for(nurse)
    url = reverse("households:visit_add", args=[household.pk])

    form = client.get(url).context["form"]

    assert [k for k, _label in form.fields["kind"].choices] == ["home", "phone", "with_nurse"]
    assert [d for d, _label in form.need_rows] == ["safety", "health", "daily_living"]
    response = client.post(url, {
        "submission_token": str(uuid.uuid4()), "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": "home", "contact_result": "met", "risk_level": "low", "need_health": "medium",
        "need_health_note": "당뇨 관리",
    })
    assert response.status_code == 302
    assert Visit.objects.get().needs.get().note == "당뇨 관리"
    assert "방문 기록" in client.get(reverse("households:detail", args=[household.pk])).content.decode()


def test_a_nurse_has_no_case_plan_reward_import_or_triage_work(client_for, dong, nurse):
    household = household_with_client(dong)
    case = make_case(household)
    client = client_for(nurse)

    for url in (reverse("households:create"), reverse("households:case_open", args=[household.pk]),
                reverse("households:case_edit", args=[household.pk, case.pk]),
                reverse("households:transfer_request", args=[household.pk, case.pk]),
                reverse("discovery:reward_list"), reverse("discovery:import_create"),
                reverse("discovery:report_create"), reverse("households:caseload")):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("plans:plan_create"), {"year": 2027}).status_code == 403
    with pytest.raises(RuleError):
        services.case_transition(case=case, to="assessment", by=nurse, expected_version=case.version)
    page = client.get(reverse("households:case_detail", args=[household.pk, case.pk])).content.decode()
    assert "<h2>단계 변경</h2>" not in page and "사례 정보 수정" not in page


def test_a_nurse_reads_and_writes_sensitive_health_details_of_their_dong(client_for, household, nurse,
                                                                        other_household):
    resident = household.residents.get()
    client = client_for(nurse)

    assert client.get(reverse("households:sensitive_edit", args=[household.pk, resident.pk])).status_code == 200
    other = other_household.residents.get()
    assert client.get(reverse("households:sensitive_edit", args=[other_household.pk, other.pk])).status_code == 404
    assert list(Household.objects.visible_to(nurse)) == [household]


def test_a_nurse_records_a_visit_through_the_api_within_the_same_rules(household, nurse):
    client = bearer_client(ApiToken.issue(user=nurse, name="tablet")[1])
    body = {"household": household.pk, "contact_result": "met", "risk_level": "low",
            "needs": [{"domain": "health", "severity": "medium", "note": "투약 확인"}]}

    made = client.post("/api/v1/visits/", {**body, "submission_token": str(uuid.uuid4())}, format="json")
    refused = client.post("/api/v1/visits/", {**body, "submission_token": str(uuid.uuid4()), "kind": "network"},
                          format="json")

    assert made.status_code == 201, made.content
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "kind": ["방문간호사는 가정 방문, 전화 상담, 방문간호사 동행 방문만 기록합니다."]}
