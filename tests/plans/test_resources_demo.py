"""Demo resources: realistic public and private resources for a district, safe to seed twice."""

import pytest

from plans.models import Resource
from tests.factories import DongFactory
from welfare.demo.resources import RESOURCES, seed_resources

pytestmark = pytest.mark.django_db


def test_seed_creates_public_and_private_resources(yeongdeungpo):
    created = seed_resources(yeongdeungpo)

    assert created == len(RESOURCES) == Resource.objects.filter(district=yeongdeungpo).count()
    sectors = set(Resource.objects.values_list("sector", flat=True))
    assert sectors == {"public", "private"}
    names = set(Resource.objects.values_list("name", flat=True))
    for expected in ("국민기초생활보장 생계급여", "긴급복지지원(생계·의료·주거)", "서울형 긴급복지", "기초연금", "장애인연금",
                     "노인맞춤돌봄서비스", "방문건강관리", "정신건강복지센터 사례관리", "에너지바우처", "푸드뱅크·푸드마켓",
                     "지역자활센터 자활근로", "사랑의열매 긴급 생계비", "영등포 사랑기금 치과 치료비",
                     "영등포 사랑기금 이사비", "주거환경개선(집수리)", "저장강박 가구 특수청소"):
        assert expected in names, expected
    assert Resource.objects.filter(provider="대한법률구조공단").exists()
    assert Resource.objects.filter(provider="신용회복위원회").exists()


def test_seeding_twice_adds_nothing(seongdong):
    seed_resources(seongdong)

    assert seed_resources(seongdong) == 0
    assert Resource.objects.count() == len(RESOURCES)


def test_names_follow_the_district(seongdong, yeongdeungpo):
    seed_resources(seongdong)
    seed_resources(yeongdeungpo)

    assert Resource.objects.filter(district=seongdong, name="성동 사랑기금 치과 치료비").exists()
    assert not Resource.objects.filter(district=seongdong, name__startswith="영등포").exists()
    assert Resource.objects.count() == 2 * len(RESOURCES)


def test_a_welfare_centre_serves_some_dongs_and_one_programme_has_ended(seongdong):
    dongs = [DongFactory(district=seongdong, name=f"{n}동") for n in "가나다라마바"]

    seed_resources(seongdong)

    centre = Resource.objects.get(name="종합사회복지관 사례관리·밑반찬 배달")
    assert list(centre.dongs.order_by("name")) == dongs[:4]
    assert Resource.objects.filter(is_active=False).count() == 1
    assert Resource.objects.serving(dongs[5].pk).filter(district=seongdong).count() == len(RESOURCES) - 2
