"""welfare.common.gc_tuning: the server process freezes its start-up objects and collects young objects every
GC_THRESHOLD allocations; the bench's block puts Python's settings back."""

import gc
import os
import subprocess
import sys
from pathlib import Path

from welfare.common import gc_tuning

ROOT = Path(__file__).resolve().parents[2]


def test_the_wsgi_application_tunes_its_process_from_the_setting():
    probe = "import gc, welfare.wsgi; print(gc.get_threshold()[0], gc.get_freeze_count() > 10000)"
    env = {**os.environ, "DEBUG": "True", "GC_THRESHOLD": "12345", "DJANGO_SETTINGS_MODULE": "welfare.settings"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.split() == ["12345", "True"]


def test_zero_keeps_pythons_threshold_and_the_block_restores_everything():
    before = gc.get_threshold()
    with gc_tuning.tuned(0):
        assert gc.get_threshold() == before and gc.get_freeze_count() > 0
    with gc_tuning.tuned(40_000):
        assert gc.get_threshold() == (40_000, *before[1:])
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
