"""manage.py bench --scenario import_crisis_list: a synthetic CP949 crisis list through the import service."""

from __future__ import annotations

import csv
import re
from io import StringIO

import pytest
from django.core.management import call_command

from discovery.models import BigDataRound, CrisisReport, ImportBatch
from welfare.demo.bench import imports as bench

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_synthetic_list_is_cp949_with_about_one_percent_bad_rows(tmp_path):
    path = tmp_path / "list.csv"

    bad = bench.synthetic_crisis_csv(path, rows=2_000, gu="성동구", dongs=["왕십리도선동", "마장동"],
                                     known=[("김순자", "서울특별시 성동구 왕십리로 1", "", "마장동")])

    rows = list(csv.reader(path.read_text(encoding="cp949").splitlines()))
    assert rows[0][:4] == ["연번", "성명", "성별", "생년월일"] and len(rows) == 2_001
    assert 5 <= bad <= 40


def test_the_scenario_imports_the_list_and_rolls_everything_back(monkeypatch):
    # given the demo data and a small list size for the test
    monkeypatch.setattr(bench, "IMPORT_ROWS", 400)
    call_command("seed_demo", households=200, stdout=StringIO())
    before = (CrisisReport.objects.count(), ImportBatch.objects.count(), BigDataRound.objects.count())

    # when the scenario runs
    out = StringIO()
    call_command("bench", households=200, runs=1, warmup=0, scenario="import_crisis_list", stdout=out)

    # then it reports the figures and leaves no batch, round or report behind
    text = out.getvalue()
    line = next(line for line in text.splitlines() if line.startswith("import_crisis_list"))
    created = int(re.search(r"(\d+) created", line).group(1))
    errors = int(re.search(r"(\d+) errors", line).group(1))
    assert created + errors == 400 and created > 350
    assert "rows/s" in line and "peak RSS" in line
    assert "target under 60 s" in text
    assert (CrisisReport.objects.count(), ImportBatch.objects.count(), BigDataRound.objects.count()) == before
