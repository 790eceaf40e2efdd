"""/api/v1/cases/: the case conference (사례회의) through POST cases/<id>/conference/, the conferences on one case,
and the selection and agreement limits (issue 16 item 3)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.households.test_conferences import at, to_conference

pytestmark = pytest.mark.django_db


def test_the_api_flags_and_dates_show_the_new_limits(api_client_for, dong, official):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))

    with at(dt.date(2026, 3, 8)):
        row = api_client_for(official).get(f"/api/v1/cases/{case.pk}/").json()

    assert (row["selection_due_on"], row["agreement_due_on"]) == ("2026-03-07", None)
    assert (row["is_selection_overdue"], row["is_agreement_overdue"]) == (True, False)
    assert row["conferences"] == []


def test_the_api_records_the_conference_once(api_client_for, dong, official, planner):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))
    url = f"/api/v1/cases/{case.pk}/conference/"
    payload = {"held_on": "2026-03-02", "kind": "difficult", "body": "hope_team", "staff": [official.pk],
               "partners": [{"organisation": "주민센터 협의체", "person": "위원장"}],
               "decision": "selected_difficult",
               "plan_items": [{"domain": "safety", "text": "안전 점검", "provider": "소방서", "target_on": "2026-03-20"}]}

    assert api_client_for(planner).post(url, payload, format="json").status_code in (403, 404)
    with at(dt.date(2026, 3, 2)):
        first = api_client_for(official).post(url, payload, format="json")
        again = api_client_for(official).post(url, payload, format="json")

    assert first.status_code == 201, first.content
    assert again.status_code == 200 and again.json()["version"] == first.json()["version"]
    body = first.json()
    assert (body["stage"], body["case_class"]) == ("planning", "difficult")
    [conference] = body["conferences"]
    assert conference["decision_display"] == "고난도사례 선정" and conference["staff"][0]["id"] == official.pk
    assert conference["plan_items"][0]["goal"] is not None and conference["partners"][0]["person"] == "위원장"


def test_the_api_answers_a_refusal_with_its_field(api_client_for, dong, official):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))

    response = api_client_for(official).post(f"/api/v1/cases/{case.pk}/conference/", {
        "held_on": "2026-03-02", "kind": "general", "body": "internal", "staff": [official.pk],
        "decision": "not_selected"}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]



def test_the_overdue_filter_includes_a_late_selection(api_client_for, dong, official):
    case = to_conference(dong, official, on=dt.date(2026, 3, 2))

    with at(dt.date(2026, 3, 8)):  # selection was due 03-07; the 10- and 30-day limits are not passed
        client = api_client_for(official)
        late = client.get("/api/v1/cases/", {"overdue": "true"}).json()["results"]
        on_time = client.get("/api/v1/cases/", {"overdue": "false"}).json()["results"]

    assert [r["id"] for r in late] == [case.pk] and on_time == []
