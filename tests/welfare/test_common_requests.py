"""Ids and return addresses a client sends, read safely (welfare/common/requests.py), and ``id__in`` with a number
too large for the column (welfare/common/lookups.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory

from welfare.common.bounds import whole_number
from welfare.common.requests import MAX_ID, given_id, given_ids, local_url
from welfare.models import Dong


@pytest.mark.parametrize(("value", "expected"), [
    ("42", 42), (" 7 ", 7), (str(MAX_ID), MAX_ID),
    ("", 0), (None, 0), ("abc", 0), ("-1", 0), ("1e5", 0), ("4 2", 0), ("\x00", 0), ("١٢", 0),  # Arabic digits
    (str(MAX_ID + 1), 0), ("9" * 400, 0), ("9" * 5000, 0), ("0" * 30 + "7", 0),
    (42, 42), (0, 0), (-5, 0), (True, 0), (2**70, 0), (4.0, 0),
])
def test_given_id_reads_only_a_plain_number_a_column_can_hold(value, expected):
    assert given_id(value) == expected


def test_given_ids_keeps_the_ids_in_order_and_leaves_out_the_rest():
    assert given_ids(["3", "abc", "", "9" * 5000, " 1 ", "-2", "3"]) == [3, 1, 3]


@pytest.mark.parametrize(("digits", "expected"), [
    ("0", 0), ("12000000", 12_000_000), ("-5000", -5000), ("9" * 18, 10**18 - 1),
    ("9" * 19, 10**18), ("9" * 5000, 10**18), ("-" + "9" * 5000, -(10**18)),
])
def test_a_typed_number_longer_than_any_limit_reads_as_one_over_every_limit(digits, expected):
    assert whole_number(digits) == expected


@pytest.mark.parametrize(("target", "secure", "expected"), [
    ("/discovery/reports/?page=2", False, "/discovery/reports/?page=2"),
    ("/households/", True, "/households/"),
    ("abc", False, "/fallback/"),  # redirect("abc") took it for a view name and failed
    ("0", False, "/fallback/"), ("1900-01-01", False, "/fallback/"), ("<script>", False, "/fallback/"),
    ("", False, "/fallback/"), (None, False, "/fallback/"),
    ("//evil.example/", False, "/fallback/"), ("/\\evil.example/", False, "/fallback/"),
    ("https://evil.example/", False, "/fallback/"), ("http://testserver/x/", False, "/fallback/"),
    ("javascript:alert(1)", False, "/fallback/"),
])
def test_local_url_goes_back_only_to_a_path_of_this_site(target, secure, expected):
    request = RequestFactory().get("/", secure=secure)
    assert local_url(request, target, "/fallback/") == expected


@pytest.mark.django_db
def test_an_id_too_large_for_the_column_matches_nothing_in_an_in_list(dong):
    huge = 2**70
    assert list(Dong.objects.filter(pk__in=[huge, dong.pk]).values_list("pk", flat=True)) == [dong.pk]
    assert not Dong.objects.filter(pk__in=[huge, str(huge)]).exists()
    assert Dong.objects.exclude(pk__in=[huge]).filter(pk=dong.pk).exists()
    # Left out before the statement is built, whatever the database: SQLite's driver refused such a number.
    sql, params = Dong.objects.filter(pk__in=[huge, dong.pk]).query.sql_with_params()
    assert huge not in params and dong.pk in params
    assert connection.ops.integer_field_range("BigAutoField")[1] < huge


def test_a_text_with_a_nul_is_a_problem_whatever_its_length():
    from welfare.common.bounds import Checks, text_problem

    assert "NUL" in text_problem("정상\x00", 100)
    assert text_problem("정상", 100) is None and text_problem("가" * 101, 100) is not None
    assert Checks().text("note", "a\x00b", 500).errors == {"note": [text_problem("a\x00b", 500)]}
