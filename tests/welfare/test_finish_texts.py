"""Issue 18 (item 16): Korean sort labels on /households/, a plain login refusal, no "---------" in selects, one
phone format."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from welfare.models import Dong

pytestmark = pytest.mark.django_db


def test_household_sort_labels_are_korean_in_both_directions(client_for, official):
    html = client_for(official).get(reverse("households:list")).content.decode()
    select = html[html.index('name="sort"') : html.index("</select>", html.index('name="sort"'))]
    assert "descending" not in select and ">Updated<" not in select and ">Address<" not in select
    assert "수정일 (최근 순)" in select and "다음 접촉일 (빠른 순)" in select and "주소 (가나다순)" in select


def test_a_refused_login_says_so_plainly(client, official):
    response = client.post(reverse("login"), {"username": "official", "password": "wrong-password-1"})
    html = response.content.decode()
    assert "아이디 또는 비밀번호가 맞지 않습니다." in html
    assert "와/과" not in html


def test_no_dashes_placeholder_in_selects(dong):
    class Form(forms.Form):
        dong = forms.ModelChoiceField(queryset=Dong.objects.all(), required=False)

    html = str(Form()["dong"])
    assert "---------" not in html and "— 선택 —" in html


def test_phone_numbers_show_in_one_format():
    rendered = Template("{% load welfare_tags %}{{ a|phone }}|{{ b|phone }}|{{ c|phone }}").render(
        Context({"a": "01012345678", "b": "010-1234-5678", "c": ""})
    )
    assert rendered == "010-1234-5678|010-1234-5678|"
