"""Issue 16 item 9: the isolation checklist's 13 items are seeded with their wording, which a superuser corrects in
the admin to match the district's official form; the checklist shows the corrected wording and still scores 0–13.
Nobody else may change it."""

from __future__ import annotations

import pytest

from households.models import ISOLATION_ITEMS, IsolationItemWording

pytestmark = pytest.mark.django_db


def test_every_item_is_seeded_with_its_wording():
    assert dict(IsolationItemWording.objects.values_list("key", "text")) == {k: str(v) for k, v in ISOLATION_ITEMS}


def test_a_superuser_corrects_an_item_and_the_checklist_shows_it(client, django_user_model, official, household):
    root = django_user_model.objects.create_superuser("root", "root@demo.invalid", "pass-for-tests-1")
    client.force_login(root)
    item = IsolationItemWording.objects.get(key="no_talk_week")

    response = client.post(f"/admin/households/isolationitemwording/{item.pk}/change/",
                           {"text": "최근 일주일간 다른 사람과 대화를 나눈 적이 없다"})

    assert response.status_code == 302
    client.force_login(official)
    page = client.get(f"/households/{household.pk}/isolation/new/").content.decode()
    assert "최근 일주일간 다른 사람과 대화를 나눈 적이 없다" in page
    assert page.count('name="item_') == 13


def test_a_district_admin_may_not_change_the_wording(client, district_admin):
    district_admin.is_staff = True
    district_admin.save()
    client.force_login(district_admin)
    item = IsolationItemWording.objects.get(key="no_talk_week")

    response = client.post(f"/admin/households/isolationitemwording/{item.pk}/change/", {"text": "바꿈"})

    assert response.status_code in (302, 403)
    item.refresh_from_db()
    assert item.text != "바꿈"
