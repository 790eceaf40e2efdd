"""Playwright drives Debian's Chromium (never a downloaded browser) against pytest-django's live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[2] / "var" / "test-output"

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test itself
# are synchronous and safe here (PITFALLS.md). Set for the browser tests only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install Debian's package (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


def _page(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ko-KR",
                                  timezone_id="Asia/Seoul", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser):
    context, page = _page(browser, 1024, 1366)  # a tablet held upright
    yield page
    context.close()


@pytest.fixture
def tablet_page(browser):
    """A field tablet held upright (820×1180, e.g. a 10.9-inch tablet), with touch."""
    context, page = _page(browser, 820, 1180)
    yield page
    context.close()


def sign_in(page, live_server, username: str, password: str = "pass-for-tests-1") -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def screenshot(page):
    OUTPUT.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = OUTPUT / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    def as_user(username: str, password: str = "pass-for-tests-1"):
        sign_in(page, live_server, username, password)

    return as_user
