"""welfare.common.warm_up: a server process loads its URLconf, every view and the catalogues at start-up (before
the garbage collector's freeze), not on its first request."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def probe(code: str) -> list[str]:
    env = {**os.environ, "DEBUG": "True", "DJANGO_SETTINGS_MODULE": "welfare.settings"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    return out.stdout.split()


LOADED = ("import sys, gc; {first}; "
          "from django.utils.translation import trans_real; "
          "print('households.views.households' in sys.modules, 'discovery.views.rounds' in sys.modules, "
          "{{'ko', 'en'}} <= set(trans_real._translations))")


def test_the_wsgi_application_has_its_views_and_catalogues_before_any_request():
    assert probe(LOADED.format(first="import welfare.wsgi")) == ["True", "True", "True"]


def test_without_it_a_fresh_process_has_neither():
    assert probe(LOADED.format(first="import django; django.setup()")) == ["False", "False", "False"]
