"""Registration numbers: validated, encrypted at rest, matched by keyed hash, shown masked."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from households import rrn
from households.models import Resident
from welfare.models import AccessLog

# Synthetic numbers: the last digit is arbitrary (no check digit is tested).
NUMBER = "9001011234560"


@pytest.mark.parametrize("raw", ["900101-1234560", "9001011234560", " 900101 1234560 "])
def test_accepted_forms_normalise_to_13_digits(raw):
    assert rrn.normalize(raw) == NUMBER


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("900101-123456", "rrn_format"),        # 12 digits
        ("90010a-1234560", "rrn_format"),       # a letter
        ("900101-9234560", "rrn_sex_digit"),    # century/sex digit 9 is not issued to the living
        ("900101-0234560", "rrn_sex_digit"),
        ("900230-1234560", "rrn_birth_date"),   # 30 February
        ("010229-3234560", "rrn_birth_date"),   # 2001 is not a leap year
        ("991231-3234560", "rrn_birth_date"),   # born 2099: in the future
    ],
)
def test_bad_numbers_get_a_clear_error(raw, code):
    with pytest.raises(ValidationError) as info:
        rrn.normalize(raw)
    assert info.value.code == code
    assert info.value.messages[0]  # a sentence for the form


def test_leap_day_and_2000s_numbers_are_valid():
    assert rrn.birth_date(rrn.normalize("000229-4123456")) == dt.date(2000, 2, 29)
    assert rrn.sex("0002294123456") == "F"


def test_number_issued_after_october_2020_without_check_digit_is_valid():
    assert rrn.normalize("201105-3987654") == "2011053987654"


def test_mask_keeps_birth_date_and_sex_digit():
    assert rrn.mask(NUMBER) == "900101-1******"


@pytest.mark.django_db
def test_database_column_holds_no_clear_text(household):
    resident = household.residents.get()
    resident.set_rrn(NUMBER)
    resident.save()

    with connection.cursor() as cursor:
        cursor.execute("SELECT rrn_encrypted, rrn_hash FROM households_resident WHERE id = %s", [resident.pk])
        stored, stored_hash = cursor.fetchone()

    assert NUMBER not in stored and "900101" not in stored
    assert NUMBER not in stored_hash
    assert Resident.objects.get(pk=resident.pk).rrn_encrypted == NUMBER


@pytest.mark.django_db
def test_exact_number_is_found_by_keyed_hash(household):
    resident = household.residents.get()
    resident.set_rrn(NUMBER)
    resident.save()

    assert list(Resident.objects.with_rrn("900101-1234560")) == [resident]
    assert not Resident.objects.with_rrn("900101-1234561").exists()


@pytest.mark.django_db
def test_keyed_hash_depends_on_the_key(settings):
    first = rrn.keyed_hash(NUMBER)
    settings.RRN_HASH_KEY = "another-key"
    assert rrn.keyed_hash(NUMBER) != first


@pytest.mark.django_db
def test_detail_page_shows_only_the_masked_number(client_for, official, household):
    resident = household.residents.get()
    resident.set_rrn(NUMBER)
    resident.save()

    body = client_for(official).get(reverse("households:detail", args=[household.pk])).content.decode()

    assert "900101-1******" in body
    assert "1234560" not in body


@pytest.mark.django_db
def test_revealing_the_number_needs_a_reason_and_is_logged(client_for, official, household):
    resident = household.residents.get()
    resident.set_rrn(NUMBER)
    resident.save()
    url = reverse("households:rrn_reveal", args=[household.pk, resident.pk])
    client = client_for(official)

    refused = client.post(url, {"reason": ""})
    shown = client.post(url, {"reason": "긴급복지 신청서 작성"})

    assert "1234560" not in refused.content.decode()
    assert "900101-1234560" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"].split(", ")
    entry = AccessLog.objects.get(verb="households.resident.rrn_revealed")
    assert (entry.user, entry.reason, entry.household_id) == (official, "긴급복지 신청서 작성", household.pk)
