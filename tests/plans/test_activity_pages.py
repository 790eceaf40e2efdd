"""Trainings, awards and partnerships: create/edit by planners, read by dong staff, 404 across districts,
validation beside the fields, the trainings_held metric and constant queries on the list."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans import services
from plans.metrics import METRICS
from plans.models import Award, Partnership, Training
from welfare.errors import RuleError
from welfare.models import AccessLog

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"plans:{name}", args=args)


def training_data(dong, **over):
    data = {"title": "인적안전망 교육", "dong": dong.pk, "plan": "", "held_on": "2025-03-14", "hours": "2.5",
            "audience": "network", "attendees": "30"}
    return {**data, **over}


AWARD = {"recipient": "홍길동", "recipient_kind": "resident", "title": "복지 유공 표창", "plan": "",
         "awarded_on": "2025-05-01"}
PARTNERSHIP = {"partner": "성동복지관", "signed_on": "2025-02-10", "scope": "위기가구 발굴 협력", "plan": ""}


def make_training(district, dong=None, **over):
    fields = {"district": district, "dong": dong, "title": "교육", "held_on": dt.date(2025, 3, 1),
              "hours": 2, "audience": "officials", "attendees": 10}
    return Training.objects.create(**{**fields, **over})


# --- trainings ------------------------------------------------------------------------------------------


def test_planner_creates_and_edits_a_training(client_for, planner, dong):
    client = client_for(planner)
    response = client.post(url("training_create"), training_data(dong))
    assert response.status_code == 302 and response.url == url("training_list")
    training = Training.objects.get()
    assert (training.district, training.dong, training.attendees) == (dong.district, dong, 30)
    assert AccessLog.objects.filter(verb="plans.training.created").exists()

    response = client.post(url("training_edit", training.pk), training_data(dong, title="고친 교육"))
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.title == "고친 교육"
    assert AccessLog.objects.filter(verb="plans.training.updated").exists()
    assert "고친 교육" in client.get(url("training_list")).content.decode()


def test_official_reads_trainings_but_may_not_write(client_for, official, dong):
    training = make_training(dong.district, dong, title="읽기 교육")
    client = client_for(official)
    response = client.get(url("training_list"))
    assert response.status_code == 200 and "읽기 교육" in response.content.decode()
    assert client.get(url("training_create")).status_code == 403
    assert client.post(url("training_create"), training_data(dong)).status_code == 403
    assert client.post(url("training_edit", training.pk), training_data(dong)).status_code == 403
    assert Training.objects.count() == 1


def test_lead_reads_trainings(client_for, lead, dong):
    make_training(dong.district, dong)
    assert client_for(lead).get(url("training_list")).status_code == 200


def test_another_districts_training_is_404(client_for, planner, official, other_district_dong):
    training = make_training(other_district_dong.district, other_district_dong, title="남의 교육")
    assert client_for(planner).get(url("training_edit", training.pk)).status_code == 404
    assert client_for(planner).post(url("training_edit", training.pk),
                                    training_data(other_district_dong)).status_code == 404
    assert "남의 교육" not in client_for(official).get(url("training_list")).content.decode()


def test_training_validation_is_shown_beside_the_fields_and_input_kept(client_for, planner, dong,
                                                                       other_district_dong):
    far = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    response = client_for(planner).post(url("training_create"), training_data(
        dong, title="남겨둘 제목", hours="25", attendees="-1", held_on=far))
    body = response.content.decode()
    assert response.status_code == 200
    assert "교육 시간은 0시간보다 길고 24시간 이하여야 합니다." in body
    assert "참석 인원은 0명 이상이어야 합니다." in body
    assert "날짜는 오늘부터 1년 이내여야 합니다." in body
    assert 'value="남겨둘 제목"' in body and 'value="25"' in body and f'value="{far}"' in body
    assert not Training.objects.exists()

    response = client_for(planner).post(url("training_create"), training_data(dong, hours="0"))
    assert "교육 시간은 0시간보다 길고 24시간 이하여야 합니다." in response.content.decode()
    response = client_for(planner).post(url("training_create"), training_data(other_district_dong))
    assert "우리 자치구의 행정동만 고를 수 있습니다." in response.content.decode()
    assert not Training.objects.exists()


def test_service_refuses_officials_and_other_districts_dongs(official, planner, dong, other_district_dong):
    fields = {"title": "t", "dong": dong, "plan": None, "held_on": dt.date(2025, 1, 1), "hours": 2,
              "audience": "officials", "attendees": 1}
    with pytest.raises(RuleError):
        services.training_save(by=official, **fields)
    with pytest.raises(RuleError):
        services.training_save(by=planner, **{**fields, "dong": other_district_dong})
    with pytest.raises(RuleError):
        services.training_save(by=planner, **{**fields, "hours": 30})


def test_a_training_counts_for_its_dong_and_month(client_for, planner, dong, second_dong):
    client_for(planner).post(url("training_create"), training_data(dong, held_on="2025-03-14"))
    counts = METRICS["trainings_held"].count([dong.pk, second_dong.pk], dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert counts[(dong.pk, dt.date(2025, 3, 1))] == 1
    assert (second_dong.pk, dt.date(2025, 3, 1)) not in counts


def test_training_list_filters_by_year(client_for, planner, dong):
    make_training(dong.district, dong, title="올해 교육", held_on=dt.date(2025, 3, 1))
    make_training(dong.district, dong, title="작년 교육", held_on=dt.date(2024, 3, 1))
    body = client_for(planner).get(url("training_list"), {"year": 2024}).content.decode()
    assert "작년 교육" in body and "올해 교육" not in body


def test_training_list_runs_constant_queries(client_for, planner, dong, second_dong):
    client = client_for(planner)

    def queries(n):
        Training.objects.all().delete()
        for i in range(n):
            make_training(dong.district, dong if i % 2 else second_dong, title=f"교육 {i}")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("training_list")).status_code == 200
        return len(ctx)

    assert queries(3) == queries(20)


# --- awards and partnerships ----------------------------------------------------------------------------


def test_planner_creates_and_edits_an_award(client_for, planner):
    client = client_for(planner)
    assert client.post(url("award_create"), AWARD).status_code == 302
    award = Award.objects.get()
    assert client.post(url("award_edit", award.pk), {**AWARD, "recipient": "김철수"}).status_code == 302
    award.refresh_from_db()
    assert award.recipient == "김철수"
    assert "김철수" in client.get(url("award_list")).content.decode()


def test_award_permissions_and_validation(client_for, official, planner, seongdong, yeongdeungpo):
    mine = Award.objects.create(district=seongdong, recipient="a", recipient_kind="resident", title="t",
                                awarded_on=dt.date(2025, 1, 1))
    theirs = Award.objects.create(district=yeongdeungpo, recipient="b", recipient_kind="resident", title="t",
                                  awarded_on=dt.date(2025, 1, 1))
    assert client_for(official).get(url("award_list")).status_code == 200
    assert client_for(official).post(url("award_create"), AWARD).status_code == 403
    assert client_for(official).get(url("award_edit", mine.pk)).status_code == 403
    client = client_for(planner)
    assert client.get(url("award_edit", theirs.pk)).status_code == 404
    far = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    response = client.post(url("award_create"), {**AWARD, "awarded_on": far})
    assert "날짜는 오늘부터 1년 이내여야 합니다." in response.content.decode()
    assert Award.objects.count() == 2


def test_planner_creates_and_edits_a_partnership(client_for, planner):
    client = client_for(planner)
    assert client.post(url("partnership_create"), PARTNERSHIP).status_code == 302
    partnership = Partnership.objects.get()
    assert client.post(url("partnership_edit", partnership.pk),
                       {**PARTNERSHIP, "partner": "새 기관"}).status_code == 302
    partnership.refresh_from_db()
    assert partnership.partner == "새 기관"
    assert AccessLog.objects.filter(verb="plans.partnership.updated").exists()


def test_partnership_permissions(client_for, official, planner, yeongdeungpo):
    theirs = Partnership.objects.create(district=yeongdeungpo, partner="p", signed_on=dt.date(2025, 1, 1))
    assert client_for(official).get(url("partnership_list")).status_code == 200
    assert client_for(official).post(url("partnership_create"), PARTNERSHIP).status_code == 403
    assert client_for(planner).get(url("partnership_edit", theirs.pk)).status_code == 404


def test_plan_list_links_to_the_activity_lists(client_for, official):
    body = client_for(official).get(url("plan_list")).content.decode()
    assert "교육 · 포상 · 민관 협약" in body
    assert all(url(n) in body for n in ("training_list", "award_list", "partnership_list"))
