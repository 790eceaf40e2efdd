"""The welfare guide (issue 17 item 6): generated from the resource directory, grouped by life stage and by
recipient type, as a booklet page, an HTML download and a PDF; always current."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.guide import welfare_guide
from plans.models import Resource
from welfare.errors import RuleError

pytestmark = pytest.mark.django_db


def resource(district, name, *, life_stages=(), recipients=(), active=True, category="care"):
    return Resource.objects.create(district=district, name=name, provider="성동구청", sector="public",
                                   category=category, life_stages=list(life_stages), recipients=list(recipients),
                                   is_active=active, eligibility="소득 기준 중위 50% 이하", contact="02-2286-0000")


def test_resources_are_grouped_by_life_stage_and_recipient_and_inactive_ones_left_out(seongdong, yeongdeungpo,
                                                                                       django_assert_num_queries):
    resource(seongdong, "첫만남이용권", life_stages=["pregnancy_infancy"])
    resource(seongdong, "기초연금", life_stages=["old_age"], recipients=["basic_livelihood", "near_poor"])
    resource(seongdong, "긴급복지 생계지원", recipients=["crisis"])  # every life stage
    resource(seongdong, "폐지된 사업", life_stages=["youth"], active=False)
    resource(yeongdeungpo, "다른 구 사업", life_stages=["youth"])
    with django_assert_num_queries(1):
        guide = welfare_guide(seongdong)
    stages = {s.code: [r.name for r in s.resources] for s in guide.by_life_stage}
    assert set(stages["pregnancy_infancy"]) == {"첫만남이용권", "긴급복지 생계지원"}
    assert set(stages["old_age"]) == {"기초연금", "긴급복지 생계지원"}
    assert stages["youth"] == ["긴급복지 생계지원"]
    recipients = {s.code: [r.name for r in s.resources] for s in guide.by_recipient}
    assert recipients["near_poor"] == ["기초연금"] and recipients["crisis"] == ["긴급복지 생계지원"]
    assert recipients["anyone"] == ["첫만남이용권"]
    assert guide.total == 3


def test_booklet_page_html_and_pdf(client_for, official, seongdong, dong):
    resource(seongdong, "청년월세 지원", life_stages=["youth"], recipients=["near_poor"])
    client = client_for(official)
    url = reverse("plans:welfare_guide")
    page = client.get(url).content.decode()
    assert "성동구 복지 안내" in page and "청년월세 지원" in page and "생애주기별 안내" in page
    html = client.get(url + "?format=html")
    assert "attachment" in html["Content-Disposition"] and "<style>" in html.content.decode()
    assert "청년월세 지원" in html.content.decode()
    pdf = client.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # always current: a new resource is in the next download
    resource(seongdong, "어르신 안부 전화", life_stages=["old_age"])
    assert "어르신 안부 전화" in client.get(url).content.decode()


def test_the_resource_form_keeps_the_groupings(client_for, planner, seongdong):
    from plans import services

    data = {"name": "아동수당", "provider": "성동구청", "sector": "public", "category": "pension", "funding_source": "",
            "eligibility": "", "contact": "", "dongs": [], "is_active": True, "life_stages": ["childhood"],
            "recipients": ["single_parent"]}
    created = services.resource_create(district=seongdong, by=planner, data=data)
    assert (created.life_stages, created.recipients) == (["childhood"], ["single_parent"])
    with pytest.raises(RuleError):
        services.resource_create(district=seongdong, by=planner, data={**data, "name": "x", "life_stages": ["alien"]})
