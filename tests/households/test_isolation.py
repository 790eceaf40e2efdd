"""The social-isolation checklist for one-person households."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import ISOLATION_ITEMS, IsolationScreening, isolation_risk

pytestmark = pytest.mark.django_db

KEYS = [key for key, _label in ISOLATION_ITEMS]


@pytest.fixture
def single(household):
    household.is_single_person = True
    household.risk_level = "low"
    household.save()
    return household


def ticked(n: int) -> dict[str, str]:
    return {f"item_{key}": "on" for key in KEYS[:n]}


@pytest.mark.parametrize(("score", "risk", "band"), [
    (0, "general", "일반"), (1, "low", "저위험"), (3, "low", "저위험"), (4, "medium", "중위험"),
    (8, "medium", "중위험"), (9, "high", "고위험"), (13, "high", "고위험"),
])
def test_scores_fall_into_the_checklists_bands(official, single, score, risk, band):
    screening = services.isolation_screening_record(
        household=single, resident=single.residents.get(), by=official, answers={k: True for k in KEYS[:score]})

    assert (screening.score, screening.proposed_risk, str(screening.band)) == (score, risk, band)
    assert isolation_risk(score) == risk


def test_saving_a_screening_shows_the_proposal_and_leaves_the_risk_unless_asked(client_for, official, single):
    response = client_for(official).post(reverse("households:isolation_add", args=[single.pk]), {
        "resident": single.residents.get().pk, "screened_on": timezone.localdate().isoformat(), **ticked(5)})

    assert response.status_code == 302
    screening = IsolationScreening.objects.get(household=single)
    assert (screening.score, screening.proposed_risk, screening.screened_by) == (5, "medium", official)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["사회적 고립 조사를 저장했습니다. 점수 5점 → 중위험 제안"]
    single.refresh_from_db()
    assert single.risk_level == "low"


def test_apply_risk_sets_the_households_risk_level(client_for, official, single):
    client_for(official).post(reverse("households:isolation_add", args=[single.pk]), {
        "resident": single.residents.get().pk, "screened_on": timezone.localdate().isoformat(),
        "apply_risk": "on", **ticked(10)})

    single.refresh_from_db()
    assert single.risk_level == "high"


def test_computing_the_score_shows_it_without_saving(client_for, official, single):
    response = client_for(official).post(reverse("households:isolation_add", args=[single.pk]), {
        "resident": single.residents.get().pk, "screened_on": timezone.localdate().isoformat(),
        "preview": "1", **ticked(4)})

    assert response.status_code == 200
    assert not IsolationScreening.objects.exists()
    html = response.content.decode()
    assert "점수 <strong data-score>4</strong>점 → <strong data-risk>중위험</strong> 제안" in html
    assert response.context["form"]["item_" + KEYS[3]].value() is True


def test_the_form_defaults_to_the_head_and_today(client_for, official, single):
    form = client_for(official).get(reverse("households:isolation_add", args=[single.pk])).context["form"]

    assert form.initial["resident"] == single.residents.get().pk
    assert form.initial["screened_on"] == timezone.localdate()
    assert len(form.item_fields) == 13


def test_a_household_that_is_not_single_gets_a_note_but_may_record(client_for, official, household):
    response = client_for(official).get(reverse("households:isolation_add", args=[household.pk]))

    assert "1인 가구로 등록되어 있지 않습니다" in response.content.decode()


def test_the_panel_offers_the_screening_only_to_one_person_households(client_for, official, single):
    url = reverse("households:isolation_add", args=[single.pk])
    client = client_for(official)

    assert url in client.get(reverse("households:detail", args=[single.pk])).content.decode()
    single.is_single_person = False
    single.save()
    assert url not in client.get(reverse("households:detail", args=[single.pk])).content.decode()


def test_the_panel_shows_the_latest_screening(client_for, official, single):
    resident = single.residents.get()
    services.isolation_screening_record(household=single, resident=resident, by=official,
                                        answers={k: True for k in KEYS[:2]}, on=timezone.localdate().replace(day=1))
    services.isolation_screening_record(household=single, resident=resident, by=official,
                                        answers={k: True for k in KEYS[:9]})

    response = client_for(official).get(reverse("households:detail", args=[single.pk]))

    latest = response.context["visit_panel"]["isolation"]
    assert latest.score == 9
    assert "9점 / 13점" in response.content.decode()
