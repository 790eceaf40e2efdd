"""manage.py bench, the ``orm_floor`` scenario: four small statements of the pages through the ORM and replayed raw."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_orm_floor_times_each_statement_through_the_orm_beside_its_raw_replay():
    # given the demo data
    call_command("seed_demo", households=300, stdout=StringIO())

    # when the scenario runs
    out = StringIO()
    call_command("bench", households=300, runs=3, warmup=0, scenario="orm_floor", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("orm_floor ")]

    # then each statement has its ORM row (with its ratio) and its raw replay row, one statement each
    for label in ("the bell's unread count", "the user's staff membership",
                  "a household by id, scoped, with its dong and official", "the household list's scoped count"):
        orm = next(line for line in lines if f"{label}: ORM" in line)
        raw = next(line for line in lines if f"{label}: raw replay" in line)
        assert re.search(r"\s1\s+\d+\.\d×", orm), orm
        assert re.search(r"\s1\s*$", raw), raw
    # and the four together, with the sum's ratio
    together = next(line for line in lines if "the four together" in line)
    assert re.search(r"\s4\s+\d+\.\d×", together), together
