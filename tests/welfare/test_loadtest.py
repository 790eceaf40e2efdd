"""``make load`` (issue 19 item 2): the mix the locustfile runs is the README's, and the driver's arguments, ports
and figures. No server and no Locust run here (the locustfile is imported in a child process: Locust patches the
process it is imported into with gevent)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from welfare.demo.loadtest import client, driver, mix

ROOT = Path(settings.BASE_DIR)


def test_the_locustfile_runs_the_mix_of_the_module_and_its_user_classes():
    script = (
        "import locust, collections, json  # Locust first: it patches the process before anything else\n"
        "from welfare.demo.loadtest import locustfile as f\n"
        "print(json.dumps({\n"
        "  'mix': collections.Counter(m.__name__ for m in f.OfficialUser.tasks),\n"
        "  'busy_same': f.BusyOfficialUser.tasks == f.OfficialUser.tasks,\n"
        "  'classes': [c for c in ('OfficialUser', 'BusyOfficialUser', 'ListUser', 'TrivialUser') if hasattr(f, c)],\n"
        "}))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    # Locust expands {task: weight} into a list with each task repeated weight times.
    assert found["mix"] == {task.name: task.weight for task in mix.MIX}
    assert found["busy_same"]
    assert found["classes"] == ["OfficialUser", "BusyOfficialUser", "ListUser", "TrivialUser"]


def test_the_readme_shows_the_mix_the_locustfile_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Load test", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| (\d+) \|", section, re.MULTILINE))
    assert {name: int(weight) for name, weight in rows.items()} == {task.name: task.weight for task in mix.MIX}


def test_the_mix_names_each_request_once():
    names = [request for task in mix.MIX for request in task.requests]
    assert len(names) == len(set(names))
    assert all(task.weight > 0 for task in mix.MIX)
    assert mix.LIST in names and mix.TRIVIAL in names
    assert all(query.format(dong=7).startswith(("", "?")) for query in mix.LIST_QUERIES)


def test_a_free_port_is_picked_and_a_busy_one_refused():
    port = driver.pick_port(0)
    assert 1024 <= port <= 65535
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(driver.LoadError, match="in use"):
            driver.pick_port(busy.getsockname()[1])


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.0.10", "example.org", ""])
def test_only_the_loopback_is_a_target(host):
    with pytest.raises(driver.LoadError, match="loopback"):
        driver.loopback_only(host)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]"])
def test_loopback_hosts_are_accepted(host):
    assert driver.loopback_only(host) == host


@pytest.mark.parametrize("arguments", [{"users": 0}, {"seconds": 0}, {"saturation_seconds": -1}, {"port": 70000},
                                       {"workers": 0}, {"ratio_rounds": 0}, {"ratio_seconds": 0}])
def test_the_command_refuses_bad_arguments_before_starting_anything(arguments):
    with pytest.raises(CommandError):
        call_command("load", **arguments)


def test_the_server_and_locust_commands():
    options = driver.Options(workers=3)
    assert driver.gunicorn_command(options, 8123)[3:8] == ["welfare.wsgi:application", "--bind", "127.0.0.1:8123",
                                                           "--workers", "3"]
    command = driver.locust_command("OfficialUser", 50, 60, "http://127.0.0.1:8123", Path("/tmp/x/think"))
    assert command[-1] == "OfficialUser"
    assert {"--headless", "--run-time", "60s", "--users", "50", "--host", "http://127.0.0.1:8123"} <= set(command)


def test_the_server_runs_with_the_production_settings(monkeypatch):
    monkeypatch.setenv("DEBUG", "True")
    env = driver.server_env(driver.Options(), 8123)
    assert env["DEBUG"] == "False" and env["TRUSTED_PROXY_COUNT"] == "1" and env["OTP_REQUIRED"] == "False"
    assert len(env["SECRET_KEY"]) > 40 and env["FIELD_ENCRYPTION_KEY"] == ",".join(settings.FIELD_ENCRYPTION_KEY)
    assert env["ALLOWED_HOSTS"].startswith("127.0.0.1")


STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,\
Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,household list,120,0,80,95.2,20,700,30000,2.0,0.0,80,90,100,120,150,210,300,400,700,700,700
GET,trivial: login page,10,1,10,12.0,5,40,3000,0.2,0.02,10,11,12,13,20,30,40,40,40,40,40
,Aggregated,130,1,70,90.0,5,700,28000,2.2,0.02,70,85,95,110,140,200,290,390,700,700,700
"""


def test_figures_are_read_from_locusts_csv_and_judged(tmp_path):
    path = tmp_path / "run_stats.csv"
    path.write_text(STATS, encoding="utf-8")
    rows, total = mix.read_stats(path)
    assert [r.name for r in rows] == ["household list", "trivial: login page"]
    assert (rows[0].rps, rows[0].p50, rows[0].p95, rows[0].p99) == (2.0, 80, 210, 400)
    assert total.requests == 130 and total.failures == 1
    verdicts = mix.judge_think_time(rows, total, users=50)
    assert [v.ok for v in verdicts] == [True, False]  # p95 200 ms passes; one error fails
    assert mix.judge_ratio(30.0, 100.0).ok and not mix.judge_ratio(20.0, 100.0).ok
    lines = mix.table(rows, total)
    assert lines[0].split()[:2] == ["request", "requests"] and "Aggregated" in lines[-1]
    assert all("PASS" in line or "FAIL" in line for line in mix.verdict_lines(verdicts))


def test_runs_of_equal_length_are_combined_and_their_ratio_judged():
    """The list and the trivial page alternate (driver): each kind's rounds become one row, RPS their mean."""
    def run(name, requests, failures, rps, p95):
        return [mix.KindFigures(name, requests, failures, rps, p95 / 2, p95, p95 * 2)], None

    listed = mix.combine([run(mix.LIST, 1500, 0, 100.0, 300), run(mix.LIST, 1800, 1, 120.0, 260),
                          run(mix.LIST, 1650, 0, 110.0, 280)], mix.LIST)
    assert (listed.requests, listed.failures, listed.rps, listed.p95, listed.p99) == (4950, 1, 110.0, 280, 560)
    trivial = mix.combine([run(mix.TRIVIAL, 6000, 0, 400.0, 80), run(mix.TRIVIAL, 7500, 0, 500.0, 70)], mix.TRIVIAL)
    assert trivial.rps == 450.0 and trivial.p50 == 37.5
    assert mix.judge_ratio(listed.rps, trivial.rps).figure == "110.0 ÷ 450.0 = 0.24"
    assert not mix.judge_ratio(listed.rps, trivial.rps).ok
    assert mix.combine([run(mix.TRIVIAL, 10, 0, 1.0, 5)], mix.LIST).requests == 0  # a kind absent from the runs
    assert mix.ratio(10.0, 0.0) == 0.0
    assert mix.rps(run(mix.LIST, 10, 0, 2.5, 5), mix.LIST) == 2.5 and mix.rps(run(mix.LIST, 10, 0, 2.5, 5), "x") == 0


def test_the_client_keeps_secure_cookies_over_the_loopback_and_finds_the_form_token():
    assert client.insecure("sessionid=x; HttpOnly; Secure; Path=/") == "sessionid=x; HttpOnly; Path=/"
    assert client.insecure("csrftoken=y; Path=/; SameSite=Lax; Secure") == "csrftoken=y; Path=/; SameSite=Lax"
    assert client.origin("http://127.0.0.1:8123") == "https://127.0.0.1:8123"
    assert client.csrf_token('<input type="hidden" name="csrfmiddlewaretoken" value="abc">') == "abc"
    with pytest.raises(ValueError):
        client.csrf_token("<form></form>")


def test_a_child_and_its_own_children_are_stopped():
    process = subprocess.Popen(["sh", "-c", "sleep 60 & echo $!; wait"], start_new_session=True,
                               stdout=subprocess.PIPE, text=True)
    grandchild = int(process.stdout.readline())
    driver._stop(process, grace=5)
    process.stdout.close()
    assert process.poll() is not None

    def running(pid: int) -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        return state != "Z"  # a zombie has ended, waiting for its new parent to reap it

    deadline = time.monotonic() + 5  # the signal reached it; its ending may take a moment
    while running(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(grandchild)
    driver._stop(process)  # a stopped one is left alone
