"""Issue 18, accessibility: axe-core (vendored for the tests only, tests/browser/vendor/axe-core) runs on the key
pages of every role (WCAG 2.0/2.1/2.2 A and AA rules) and the suite fails on any critical or serious finding.
Also: a skip link is the first Tab stop and leads to the content; Ctrl+S saves the form being filled in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Visit
from tests.browser.conftest import OUTPUT, sign_in
from tests.discovery.factories_network import report
from tests.factories import ResidentFactory
from tests.households.factories_cases import make_case
from welfare.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"critical", "serious"}


def _axe(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def _describe(url: str, findings: list[dict]) -> list[str]:
    return [
        f"{url}: {v['impact']} {v['id']} ({len(v['nodes'])}×) {v['nodes'][0]['target']} — "
        f"{v['nodes'][0]['failureSummary'][:160]}"
        for v in findings
    ]


def _context(browser, width=820, height=1180):
    # bypass_csp: the product's Content-Security-Policy refuses an injected script, which is right for the product.
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="ko-KR", timezone_id="Asia/Seoul", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _check(page, live_server, urls: list[str], problems: list[str], shot_prefix: str = "") -> None:
    for url in urls:
        page.goto(live_server.url + url)
        page.wait_for_load_state("load")
        problems += _describe(url, _axe(page))
        if shot_prefix:
            OUTPUT.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^a-z0-9]+", "_", url.strip("/")) or "home"
            page.screenshot(path=str(OUTPUT / f"a11y_{shot_prefix}_{name}.png"), full_page=True)


@pytest.fixture
def world(official, lead, planner, district_admin, nurse, case_team, household, dong):
    ResidentFactory(household=household, relation="head", name="김순자")
    Visit.objects.create(
        household=household,
        kind="home",
        visited_at=timezone.now() - dt.timedelta(days=2),
        contact_result="met",
        risk_level="high",
        observations="관찰",
        recorded_by=official,
    )
    case = make_case(household, by=official)
    reports = [report(dong, subject_name=f"제보대상{i}", details="끼니를 거름") for i in range(2)]
    for user in (official, lead, planner):
        Notification.objects.create(user=user, kind="other", title="알림 제목", dedupe_key=f"t{user.pk}")
    return {"household": household, "case": case, "report": reports[0]}


def test_no_critical_or_serious_findings_for_any_role(browser, live_server, world):
    household, case = world["household"], world["case"]
    problems: list[str] = []
    context, page = _context(browser)
    try:
        _check(page, live_server, [reverse("login"), "/report/"], problems, "public")
        page.goto(f"{live_server.url}/report/")
        page.click("button.primary[type=submit]")  # the refused form, with its error summary
        page.wait_for_selector(".error-summary")
        problems += _describe("/report/ (refused)", _axe(page))
    finally:
        context.close()

    by_role = {
        "official": [
            reverse("home"),
            reverse("households:list"),
            reverse("households:detail", args=[household.pk]),
            reverse("households:visit_add", args=[household.pk]),
            reverse("households:case_detail", args=[household.pk, case.pk]),
            reverse("households:case_needs", args=[household.pk, case.pk]),
            reverse("households:caseload"),
            reverse("discovery:queue"),
            reverse("discovery:report_create"),
            reverse("discovery:report_detail", args=[world["report"].pk]),
            reverse("notifications:list"),
            reverse("search") + "?q=김순자",
            reverse("plans:resource_list"),
        ],
        "lead": [reverse("home"), reverse("households:team"), reverse("discovery:queue"), reverse("inbox"),
                 reverse("households:areas"), reverse("households:dong_queue"), reverse("households:hand_over"),
                 reverse("households:area_new")],
        "planner": [reverse("home"), reverse("households:list"), reverse("plans:plan_list"),
                    reverse("discovery:dashboard"), reverse("discovery:round_list"),
                    reverse("discovery:network_coverage")],
        "districtadmin": [reverse("district:staff"), reverse("discovery:network_list"),
                          reverse("discovery:reward_list"), reverse("discovery:import_list"), reverse("district:access")],
        "nurse": [reverse("home"), reverse("households:detail", args=[household.pk])],
        "hope_team": [reverse("home"), reverse("households:list")],
    }
    for username, urls in by_role.items():
        context, page = _context(browser)
        try:
            sign_in(page, live_server, username)
            _check(page, live_server, urls, problems, username)
        finally:
            context.close()
    assert problems == [], "\n".join(problems)


def test_api_docs_have_no_critical_or_serious_findings(browser, live_server, official):
    """/api/docs/ stays Swagger UI (drf-spectacular's split view): deep links off (they nested a link in each
    operation's button), lang="en" on the page, api_docs.css raising its colours to AA contrast."""
    context, page = _context(browser, 1280, 900)
    try:
        sign_in(page, live_server, "official")
        page.goto(live_server.url + reverse("api-docs"))
        page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
        assert _describe("/api/docs/", _axe(page)) == []
    finally:
        context.close()


def test_skip_link_and_save_shortcut(browser, live_server, world, official):
    household = world["household"]
    context, page = _context(browser, 390, 844)
    try:
        sign_in(page, live_server, "official")
        page.goto(live_server.url + reverse("households:visit_add", args=[household.pk]))
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert page.locator(".skip-link").is_visible()  # shown when focused
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")  # the next stop is inside the content, not the header's menu
        assert page.evaluate("!!document.activeElement.closest('main')")

        before = Visit.objects.filter(household=household).count()
        page.select_option("select[name=contact_result]", "met")
        page.select_option("select[name=risk_level]", "low")
        page.focus("textarea[name=observations]")
        page.keyboard.type("단축키로 저장")
        page.keyboard.press("Control+s")
        page.wait_for_url(re.compile(rf"/households/{household.pk}/$"))
        assert Visit.objects.filter(household=household).count() == before + 1
        assert Visit.objects.filter(household=household, observations="단축키로 저장").exists()
    finally:
        context.close()
