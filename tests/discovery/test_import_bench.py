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


def test_the_large_list_scenario_prints_the_peak_memory_of_the_import(monkeypatch):
    # given the demo data and a small "large" list for the test
    monkeypatch.setattr(bench, "LARGE_IMPORT_ROWS", 500)
    call_command("seed_demo", households=200, stdout=StringIO())
    before = (CrisisReport.objects.count(), ImportBatch.objects.count(), BigDataRound.objects.count())

    out = StringIO()
    call_command("bench", households=200, runs=1, warmup=0, scenario="import_large_list", stdout=out)

    text = out.getvalue()
    line = next(line for line in text.splitlines() if line.startswith("import_large_list"))
    rss = re.search(r"peak RSS (\d+) MB \(during the import\)", line)
    assert rss and 0 < int(rss.group(1)) < 500
    assert "500 rows" in line and "target under 500 MB" in text
    assert (CrisisReport.objects.count(), ImportBatch.objects.count(), BigDataRound.objects.count()) == before


def test_the_resumed_import_scenario_resumes_at_the_midpoint_and_imports_no_row_twice(monkeypatch):
    # given a list of 5 chunks of 100 rows, killed in its third chunk
    from discovery.imports import runner

    monkeypatch.setattr(bench, "RESUME_ROWS", 500)
    monkeypatch.setattr(runner, "CHUNK_ROWS", 100)
    monkeypatch.setattr(runner.batch_import, "__kwdefaults__", {"chunk_rows": 100, "claimed_at": None})
    call_command("seed_demo", households=200, stdout=StringIO())
    before = (CrisisReport.objects.count(), ImportBatch.objects.count(), BigDataRound.objects.count())

    out = StringIO()
    call_command("bench", households=200, runs=1, warmup=0, scenario="import_resumed", stdout=out)

    text = out.getvalue()
    line = next(line for line in text.splitlines() if line.startswith("import_resumed"))
    assert "killed in chunk 3 after 200 rows committed" in line
    assert "resumed from line 202" in line and "500 rows in all" in line
    assert "rows imported twice: 0" in line and "must be 0: yes" in text
    assert re.search(r"time to resume \d+ ms", line)
    assert (CrisisReport.objects.count(), ImportBatch.objects.count(), BigDataRound.objects.count()) == before
