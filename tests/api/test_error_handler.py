"""The API's one error handler (welfare.api.errors.error_handler): one JSON shape, a service's RuleError with its
field names kept, StaleVersion as 409."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from welfare.api.base import ApiViewSet
from welfare.errors import RuleError, StaleVersion

STALE = "다른 사용자가 먼저 저장했습니다. 최신 내용을 받아 다시 시도하세요."
CHECK_INPUT = "입력값을 확인하세요."


def _answer(exc: Exception):
    class Raising(APIView):
        authentication_classes: list = []
        permission_classes: list = []

        def post(self, request):
            raise exc

    response = Raising.as_view()(APIRequestFactory().post("/api/v1/probe/", {}, format="json"))
    return response.status_code, response.data


def test_a_field_level_rule_error_keeps_its_field_names():
    status, body = _answer(RuleError({"reason": _("사유를 적어 주세요."), "at": ["미래입니다.", "너무 이릅니다."]}))
    assert status == 400
    assert body == {"error": {"code": "invalid", "message": CHECK_INPUT,
                              "fields": {"reason": ["사유를 적어 주세요."], "at": ["미래입니다.", "너무 이릅니다."]}}}


def test_a_plain_rule_error_is_a_non_field_error():
    status, body = _answer(RuleError("접수 단계에서 종결 단계로 옮길 수 없습니다."))
    assert status == 400
    assert body["error"]["fields"] == {"non_field_errors": ["접수 단계에서 종결 단계로 옮길 수 없습니다."]}
    assert body["error"]["code"] == "invalid" and body["error"]["message"] == CHECK_INPUT


def test_the_whole_input_key_of_a_dict_is_a_non_field_error_too():
    _status, body = _answer(RuleError({"__all__": "둘 중 하나를 고르세요.", "method": "접촉 방법을 고르세요."}))
    assert body["error"]["fields"] == {"non_field_errors": ["둘 중 하나를 고르세요."], "method": ["접촉 방법을 고르세요."]}


def test_rule_error_parameters_are_filled_in():
    _status, body = _answer(RuleError({"reason": RuleError("%(outcome)s(으)로 종결하려면 사유를 적어 주세요.",
                                                           params={"outcome": "연계"})}))
    assert body["error"]["fields"] == {"reason": ["연계(으)로 종결하려면 사유를 적어 주세요."]}


def test_nested_names_are_dotted_for_rule_errors_and_serializers_alike():
    _status, body = _answer(RuleError({"reporter.name": "이름을 적어 주세요."}))
    assert body["error"]["fields"] == {"reporter.name": ["이름을 적어 주세요."]}
    _status, body = _answer(serializers.ValidationError({"reporter": {"name": ["이름을 적어 주세요."]},
                                                         "needs": [{}, {"note": ["메모가 깁니다."]}]}))
    assert body["error"]["fields"] == {"reporter.name": ["이름을 적어 주세요."], "needs.1.note": ["메모가 깁니다."]}


def test_a_model_validation_error_is_answered_the_same_way():
    _status, body = _answer(DjangoValidationError({"phone": "전화번호를 확인하세요."}))
    assert body["error"]["fields"] == {"phone": ["전화번호를 확인하세요."]}


def test_stale_version_is_409():
    status, body = _answer(StaleVersion())
    assert status == 409
    assert body == {"error": {"code": "stale_version", "message": STALE, "fields": {}}}


@pytest.mark.parametrize("exc, status, code", [
    (Http404(), 404, "not_found"),
    (PermissionDenied(), 403, "permission_denied"),
])
def test_django_errors_get_the_same_shape(exc, status, code):
    answered, body = _answer(exc)
    assert answered == status
    assert body["error"]["code"] == code and body["error"]["fields"] == {}


def test_an_unexpected_error_is_not_swallowed():
    with pytest.raises(ZeroDivisionError):
        _answer(ZeroDivisionError())


class _Probe(ApiViewSet):
    """An ApiViewSet whose action calls a "service" that refuses."""

    authentication_classes: list = []
    permission_classes: list = []
    refusal: Exception = RuleError("")

    @action(detail=False, methods=["post"])
    def act(self, request):
        raise self.refusal


@pytest.mark.parametrize("refusal, status, fields", [
    (RuleError({"outcome": "처리 결과를 고르세요."}), 400, {"outcome": ["처리 결과를 고르세요."]}),
    (RuleError("종결은 팀장이 승인합니다."), 400, {"non_field_errors": ["종결은 팀장이 승인합니다."]}),
    (StaleVersion(), 409, {}),
])
def test_api_viewsets_need_nothing_of_their_own(refusal, status, fields):
    view = type("Probe", (_Probe,), {"refusal": refusal}).as_view({"post": "act"})
    response = view(APIRequestFactory().post("/api/v1/probe/act/", {}, format="json"))
    assert response.status_code == status
    assert response.data["error"]["fields"] == fields
