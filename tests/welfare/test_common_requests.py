"""Ids and return addresses a client sends, read safely (welfare/common/requests.py), and ``id__in`` with a number
too large for the column (welfare/common/lookups.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory

from welfare.common.requests import MAX_ID, given_id, local_url
from welfare.models import Dong


@pytest.mark.parametrize(("value", "expected"), [
    ("42", 42), (" 7 ", 7), (str(MAX_ID), MAX_ID),
    ("", 0), (None, 0), ("abc", 0), ("-1", 0), ("1e5", 0), ("4 2", 0), ("\x00", 0), ("١٢", 0),  # Arabic digits
    (str(MAX_ID + 1), 0), ("9" * 400, 0), (42, 0),
])
def test_given_id_reads_only_a_plain_number_a_column_can_hold(value, expected):
    assert given_id(value) == expected


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
