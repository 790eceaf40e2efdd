"""Phrase templates per need domain that a district edits (issue 13 item 5): the service, the district settings
section, the visit form's list and the read-only API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from households import selectors
from households.models import DEFAULT_PHRASES, PhraseTemplate
from households.services.phrases import (
    phrase_template_create,
    phrase_template_deactivate,
    phrase_template_update,
    phrase_templates_save,
)
from welfare.errors import RuleError
from welfare.models import AccessLog, Role

from ..factories import UserFactory, staff_user

pytestmark = pytest.mark.django_db

POLICIES = reverse("district:policies")
API = "/api/v1/phrase-templates/"


@pytest.fixture
def other_admin(yeongdeungpo):
    return staff_user(Role.DISTRICT_ADMIN, district=yeongdeungpo, username="ydp-admin")


def phrases_post(**domains: str) -> dict:
    """The settings section as sent: every domain's box (the defaults unless given), one phrase per line."""
    data = {"which": "phrases"}
    for domain, texts in DEFAULT_PHRASES.items():
        data[f"phrases-{domain}"] = domains.get(domain, "\n".join(texts))
    return data


def active(district) -> dict[str, list[str]]:
    rows = PhraseTemplate.objects.filter(district=district, active=True).order_by("domain", "order")
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row.domain, []).append(row.text)
    return found


# The selector ------------------------------------------------------------------------------------------------


def test_a_district_without_rows_uses_the_defaults_in_domain_order(seongdong):
    phrases = selectors.phrase_set(seongdong.pk)

    assert not phrases.customised
    groups = phrases.by_domain()
    assert [domain for domain, _label, _found in groups][:3] == ["safety", "health", "daily_living"]
    assert [p.text for p in groups[1][2]] == list(DEFAULT_PHRASES["health"])
    assert all(p.id is None for p in phrases.phrases)


def test_once_a_district_has_rows_only_its_active_ones_show(district_admin, seongdong):
    phrase_template_create(district=seongdong, domain="income", text="체납 관리비 분납 상담", by=district_admin)

    phrases = selectors.phrase_set(seongdong.pk)

    assert phrases.customised
    assert [(p.domain, p.text) for p in phrases.phrases] == [("income", "체납 관리비 분납 상담")]


# The service -------------------------------------------------------------------------------------------------


def test_create_update_and_deactivate_are_audited(district_admin, seongdong):
    template = phrase_template_create(district=seongdong, domain="health", text="  혈압약   복용 확인 ",
                                      by=district_admin)
    assert (template.text, template.order, template.active) == ("혈압약 복용 확인", 1, True)

    phrase_template_update(template=template, by=district_admin, text="혈압약 복용 여부 확인", order=3)
    phrase_template_deactivate(template=template, by=district_admin)

    template.refresh_from_db()
    assert (template.text, template.order, template.active) == ("혈압약 복용 여부 확인", 3, False)
    verbs = list(AccessLog.objects.filter(object_id=str(template.pk)).order_by("id").values_list("verb", flat=True))
    assert verbs == ["households.phrasetemplate.created", "households.phrasetemplate.updated",
                     "households.phrasetemplate.deactivated"]
    assert AccessLog.objects.get(verb="households.phrasetemplate.deactivated").changes == {"active": [True, False]}


def test_creating_a_deactivated_text_again_brings_its_row_back(district_admin, seongdong):
    template = phrase_template_create(district=seongdong, domain="health", text="복약 확인", by=district_admin)
    phrase_template_deactivate(template=template, by=district_admin)

    again = phrase_template_create(district=seongdong, domain="health", text="복약 확인", by=district_admin)

    assert again.pk == template.pk and again.active
    assert PhraseTemplate.objects.count() == 1


@pytest.mark.parametrize(("domain", "text", "field"), [
    ("health", "", "text"),
    ("health", "가" * 101, "text"),
    ("nowhere", "복약 확인", "domain"),
])
def test_create_refuses_empty_long_text_and_unknown_domains(district_admin, seongdong, domain, text, field):
    with pytest.raises(RuleError) as refused:
        phrase_template_create(district=seongdong, domain=domain, text=text, by=district_admin)

    assert field in refused.value.message_dict
    assert not PhraseTemplate.objects.exists()


def test_a_domain_holds_at_most_ten_active_phrases(district_admin, seongdong):
    for n in range(PhraseTemplate.PER_DOMAIN_MAX):
        phrase_template_create(district=seongdong, domain="legal", text=f"문구 {n}", by=district_admin)

    with pytest.raises(RuleError, match="10개까지"):
        phrase_template_create(district=seongdong, domain="legal", text="하나 더", by=district_admin)


def test_only_a_district_admin_of_that_district_edits(official, lead, district_admin, other_admin, seongdong):
    template = phrase_template_create(district=seongdong, domain="health", text="복약 확인", by=district_admin)

    for user in (official, lead, other_admin):
        with pytest.raises(RuleError):
            phrase_template_create(district=seongdong, domain="health", text="다른 문구", by=user)
        with pytest.raises(RuleError):
            phrase_template_deactivate(template=template, by=user)
        with pytest.raises(RuleError):
            phrase_templates_save(district=seongdong, by=user, data={"health": ["새 문구"]})
    template.refresh_from_db()
    assert template.active and PhraseTemplate.objects.count() == 1


def test_saving_the_lists_creates_reorders_reactivates_and_deactivates(district_admin, seongdong):
    # given a district that saved health = [A, B, C] once
    phrase_templates_save(district=seongdong, by=district_admin, data={"health": ["가", "나", "다"]})
    ids = dict(PhraseTemplate.objects.values_list("text", "pk"))

    # when the admin saves [다, 라] and later [가, 다]
    phrase_templates_save(district=seongdong, by=district_admin, data={"health": ["다", "라"]})
    assert active(seongdong) == {"health": ["다", "라"]}
    phrase_templates_save(district=seongdong, by=district_admin, data={"health": ["가", "다"]})

    # then rows are kept, moved and brought back, never deleted nor duplicated
    assert active(seongdong) == {"health": ["가", "다"]}
    assert dict(PhraseTemplate.objects.filter(text__in=["가", "나", "다"]).values_list("text", "pk")) == ids
    assert set(PhraseTemplate.objects.filter(active=False).values_list("text", flat=True)) == {"나", "라"}


@pytest.mark.parametrize(("lines", "message"), [
    (["같은 문구", "같은 문구"], "두 번"),
    (["가" * 101], "100자"),
    ([f"문구 {n}" for n in range(11)], "10개까지"),
])
def test_saving_the_lists_refuses_repeats_long_lines_and_too_many(district_admin, seongdong, lines, message):
    with pytest.raises(RuleError) as refused:
        phrase_templates_save(district=seongdong, by=district_admin, data={"social": lines})

    assert message in refused.value.message_dict["social"][0]
    assert not PhraseTemplate.objects.exists()


# The district settings page ----------------------------------------------------------------------------------


def test_the_settings_page_shows_the_defaults_and_the_first_save_stores_them(client_for, district_admin, seongdong):
    client = client_for(district_admin)
    body = client.get(POLICIES).content.decode()
    assert "자주 쓰는 문구" in body and "기본 문구를 쓰고 있습니다" in body
    assert DEFAULT_PHRASES["income"][0] in body

    response = client.post(POLICIES, phrases_post(income="월세 체납\n\n  관리비 체납  \n"))

    assert response.status_code == 302 and response.url == POLICIES
    stored = active(seongdong)
    assert stored["income"] == ["월세 체납", "관리비 체납"]
    assert stored["health"] == list(DEFAULT_PHRASES["health"])
    assert "기본 문구를 쓰고 있습니다" not in client.get(POLICIES).content.decode()


def test_a_refused_list_shows_its_message_beside_its_box_and_keeps_the_input(client_for, district_admin):
    response = client_for(district_admin).post(POLICIES, phrases_post(family="가족 연락\n가족 연락"))

    assert response.status_code == 200
    assert response.context["phrases"].errors["family"] == ["같은 문구가 두 번 있습니다: 가족 연락"]
    assert "가족 연락\n가족 연락" in response.content.decode()
    assert not PhraseTemplate.objects.exists()


def test_a_superuser_edits_the_district_they_pick(client, seongdong, yeongdeungpo):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)

    client.post(f"{POLICIES}?district={yeongdeungpo.pk}", phrases_post(legal="법률구조공단 연계"))

    assert active(yeongdeungpo)["legal"] == ["법률구조공단 연계"]
    assert not PhraseTemplate.objects.filter(district=seongdong).exists()


# The visit form ----------------------------------------------------------------------------------------------


def test_the_visit_form_lists_the_districts_phrases_by_domain(client_for, official, district_admin, household,
                                                              seongdong):
    url = reverse("households:visit_add", args=[household.pk])
    body = client_for(official).get(url).content.decode()
    assert "자주 쓰는 문구" in body and DEFAULT_PHRASES["housing"][0] in body
    assert 'src="/static/js/phrases.js"' in body
    assert "{#" not in body and "{%" not in body  # no template comment leaks onto the page

    phrase_templates_save(district=seongdong, by=district_admin, data={"housing": ["보일러 고장"]})
    body = client_for(official).get(url).content.decode()

    assert '<span class="phrase" data-phrase>보일러 고장</span>' in body
    assert DEFAULT_PHRASES["housing"][0] not in body


# The API -----------------------------------------------------------------------------------------------------


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_gives_the_defaults_then_the_districts_own(official, district_admin, seongdong):
    first = api_client(official).get(API)
    assert first.status_code == 200
    assert first.json()["customised"] is False and first.json()["district"] == seongdong.pk
    assert first.json()["results"][0] == {"id": None, "domain": "safety", "domain_display": "안전",
                                          "text": DEFAULT_PHRASES["safety"][0], "order": 1}

    phrase_templates_save(district=seongdong, by=district_admin, data={"health": ["복약 확인", "병원 동행"]})
    body = api_client(official).get(API).json()

    assert body["customised"] is True
    assert [(r["domain"], r["text"], r["order"]) for r in body["results"]] == [
        ("health", "복약 확인", 1), ("health", "병원 동행", 2)]
    assert all(isinstance(r["id"], int) for r in body["results"])


def test_the_api_shows_no_other_districts_phrases(official, other_admin, yeongdeungpo, seongdong):
    phrase_templates_save(district=yeongdeungpo, by=other_admin, data={"health": ["영등포 문구"]})

    body = api_client(official).get(API).json()

    assert "영등포 문구" not in {r["text"] for r in body["results"]}


def test_the_api_is_read_only_refuses_unknown_parameters_and_needs_a_login(official, planner):
    assert api_client(official).post(API, {}, format="json").status_code == 405
    assert api_client(planner).post(API, {}, format="json").status_code == 403
    assert api_client(planner).get(API).status_code == 200
    refused = api_client(official).get(API, {"domain": "health"})
    assert refused.status_code == 400 and "domain" in refused.json()["error"]["fields"]
    assert APIClient().get(API).status_code == 401
    assert api_client(UserFactory()).get(API).json() == {"district": None, "customised": False, "results": []}


def test_the_api_runs_the_same_queries_however_many_phrases(official, district_admin, seongdong):
    client = api_client(official)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(API).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    phrase_templates_save(district=seongdong, by=district_admin,
                          data={d: [f"{d} {n}" for n in range(10)] for d in DEFAULT_PHRASES})

    assert queries() == few <= 2  # the membership, the phrases
