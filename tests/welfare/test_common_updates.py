"""welfare.common.updates.model_update: set the present fields, save, diff and log once."""

from __future__ import annotations

import pytest

from welfare.common.updates import model_update
from welfare.models import AccessAction, AccessLog, Dong

FIELDS = ("name", "admin_code", "is_high_risk")
VERB = "welfare.dong.updated"

pytestmark = pytest.mark.django_db


def _entries():
    return list(AccessLog.objects.filter(verb=VERB))


def test_sets_only_the_fields_present_and_saves(dong, official):
    dong.admin_code = "1120069000"
    dong.save()
    instance, changes = model_update(dong, {"is_high_risk": True, "district": None, "ignored": 1}, FIELDS,
                                     by=official, verb=VERB)
    assert instance is dong
    dong.refresh_from_db()
    assert dong.is_high_risk is True
    assert dong.name == "왕십리도선동" and dong.admin_code == "1120069000"  # absent: untouched
    assert dong.district_id is not None  # present in data but not in fields: ignored
    assert changes == {"is_high_risk": [False, True]}


def test_logs_one_entry_with_the_diff_the_user_and_the_reason(dong, official):
    _, changes = model_update(dong, {"name": "새이름동", "is_high_risk": True}, FIELDS, by=official, verb=VERB,
                              reason="행정구역 개편")
    [entry] = _entries()
    assert entry.changes == changes == {"name": ["왕십리도선동", "새이름동"], "is_high_risk": [False, True]}
    assert entry.user_id == official.pk and entry.username == "official"
    assert entry.object_id == str(dong.pk) and entry.action == AccessAction.UPDATE
    assert entry.reason == "행정구역 개편"


def test_nothing_is_logged_when_nothing_changed(dong, official):
    _, changes = model_update(dong, {"name": "왕십리도선동", "is_high_risk": False}, FIELDS, by=official, verb=VERB)
    assert changes == {}
    assert _entries() == []
    _, changes = model_update(dong, {}, FIELDS, by=official, verb=VERB)
    assert changes == {} and _entries() == []


def test_secret_fields_are_logged_as_changed_without_their_values(dong, official):
    _, changes = model_update(dong, {"admin_code": "1120069000", "name": "새이름동"}, FIELDS, by=official,
                              verb=VERB, secret=("admin_code",))
    assert Dong.objects.get(pk=dong.pk).admin_code == "1120069000"
    [entry] = _entries()
    assert entry.changes == changes == {"admin_code": "(changed)", "name": ["왕십리도선동", "새이름동"]}
    assert "1120069000" not in str(entry.changes)


def test_foreign_keys_are_logged_as_text(dong, second_dong, yeongdeungpo, official):
    _, changes = model_update(dong, {"district": yeongdeungpo}, ("district",), by=official, verb=VERB)
    assert changes == {"district": ["성동구", "영등포구"]}
    assert Dong.objects.get(pk=dong.pk).district == yeongdeungpo
