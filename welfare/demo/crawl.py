"""``manage.py crawl``: the demo tried as each of its accounts would, and as an attacker would.

For each account, signed in (and signed out: ``anonymous``, from the public tip-off form), it follows the links
of the pages it is shown (breadth first, a few pages per kind of address), then sends every form it found (POST,
and GET: filter bars and searches) again with odd values in one field at a time: text where an id belongs, numbers
of 10, 20 and 5,000 digits, a NUL, an impossible date, a page address of another site. It reports:

- a **5xx** answer to any request (a page, a link, a form sent with odd values);
- a **link to a refusal**: a page offering a link that answers 403 or 404 to the account it was shown to;
- with ``slow_ms``, a **slow answer**: a request that took longer (on the 100,000-household bench data, the
  paths an odd filter or sort makes slow).

Each request runs in a transaction of its own, signed in inside it and rolled back after it (the forms it sends
write nothing that stays, and nothing is queued for the worker), with DEBUG off, as ``make bench`` does. One
transaction for the whole crawl, with a savepoint per request, was how it began: on PostgreSQL an account's
run slowed down as the crawl went on, and vacuum was held back for the whole run.

HTMX is tried as the browser sends it: a form with ``hx-post`` is sent both plainly and with ``HX-Request``
(the view answers a fragment then), an element of its own with ``hx-post`` (a plan's target cell) is sent
with its ``hx-vals``, and an ``hx-get`` address is read with the header. Downloads, exports, sign-out, the
language switch and the admin's forms are not sent. Found this way and fixed: the risk indicator's admin pages
(500), five links that answered 403 or 404, and about twenty forms that answered 500 to such values.
"""

from __future__ import annotations

import collections
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

HREF = re.compile(r'href="([^"#]+)')
HX_GET = re.compile(r'hx-get="([^"#]+)')
HTMX = {"HTTP_HX_REQUEST": "true"}
NOT_FOLLOWED = re.compile(r"/(logout|static/|media/|i18n/|download|export|qr|attachments/\d+/)|\.pdf|format=")
NOT_SENT = re.compile(r"/(logout|i18n|admin)/|delete|setlang")
# A NUL inside a searchable word: a NUL alone was too short to search, so it never reached PostgreSQL (which refuses
# it in any parameter) and the crawl missed the header search's 500 on "김\x00순자".
ODD_VALUES = ("abc", "-1", "9" * 10, "9" * 20, "9" * 5000, "김\x00순자", "2026-13-45", "<script>",
              "https://evil.example/")
START = ("/", "/households/")
# Signed out: the public tip-off form (its receipt and status pages) and the sign-in page, what anyone can reach.
ANONYMOUS = "anonymous"
PUBLIC_START = ("/report/", "/report/status/", "/login/")
ACCOUNTS = ("official", "lead", "official_ydp", "nurse", "hope_team", "planner", "admin", "admin_ydp",
            "superadmin", "partner", ANONYMOUS)


@dataclass(frozen=True)
class Finding:
    account: str
    status: int
    url: str
    via: str  # the page that offered the link, or "POST field=value" for a form sent with an odd value
    ms: int | None = None  # a slow answer: how long it took

    def __str__(self) -> str:
        slow = f" slow: {self.ms} ms" if self.ms is not None else ""
        return f"{self.status}{slow} {self.account} {self.url} ← {self.via}"


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    method: str = "post"
    htmx: bool = False  # sent by HTMX (``hx-post``): with the HX-Request header, as well as plainly if it is a form
    element: bool = False  # an element HTMX posts by itself (no <form>: never sent without JavaScript)


def _hx_vals(text: str) -> dict[str, str]:
    """An element's ``hx-vals`` (JSON; the ``js:`` form is not read)."""
    try:
        values = json.loads(text) if text and not text.startswith(("js:", "javascript:")) else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}


class _Forms(HTMLParser):
    """The forms of a page (POST, and GET: filter bars and searches): their action and the values the page gives
    their fields (checked boxes and radios, selected options, inputs and text areas; file inputs left out). An
    element HTMX posts by itself (``hx-post`` with its name and ``hx-vals``), in a form or not, is a form too. A
    form with ``hx-post`` is sent to that address (the product's forms give the same one as their ``action``)."""

    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self._form, self._select = page, [], None, None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page, a.get("hx-post") or a.get("action") or self.page).split("#")[0]
            method = "post" if a.get("hx-post") or a.get("method", "").lower() == "post" else "get"
            self._form = Form(action, method=method, htmx="hx-post" in a)
            self.forms.append(self._form)
            return
        if a.get("hx-post") and a.get("name"):  # in a form or not: HTMX sends its name and hx-vals alone
            fields = {**_hx_vals(a.get("hx-vals", "")), a["name"]: a.get("value", "")}
            self.forms.append(Form(urljoin(self.page, a["hx-post"]).split("#")[0], fields, htmx=True,
                                   element=True))
        if self._form is None or not a.get("name"):
            return
        elif tag == "select":
            self._select = a["name"]
            self._form.fields.setdefault(a["name"], "")
        elif tag == "option" and self._select and ("selected" in a or not self._form.fields[self._select]):
            self._form.fields[self._select] = a.get("value", "")
        elif tag == "textarea" or (tag == "input" and a.get("type") not in ("file", "checkbox", "radio", "submit")):
            self._form.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") in ("checkbox", "radio") and "checked" in a:
            self._form.fields[a["name"]] = a.get("value", "on")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _kind(url: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(url).path)


def _links(page: str, html: str, pattern: re.Pattern = HREF) -> Iterable[str]:
    for href in pattern.findall(html):
        parts = urlsplit(urljoin(page, href.replace("&amp;", "&")))
        if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
            yield parts.path + (f"?{parts.query}" if parts.query else "")


def _isolated(client: Client, user, send: Callable, *args, **kwargs) -> tuple:
    """One request in a transaction of its own, rolled back after it: what it wrote is undone at once, and a
    statement the database refused (which aborts a PostgreSQL transaction) fails nothing after it. The account
    signs in inside that transaction (its session goes with the rollback). Returns the response and the
    milliseconds the request took, the sign-in left out."""
    with transaction.atomic():
        try:
            if user is not None:
                client.force_login(user)
            began = time.perf_counter()
            response = send(*args, **kwargs)
            return response, round((time.perf_counter() - began) * 1000)
        finally:
            transaction.set_rollback(True)


def crawl_account(client: Client, user, *, pages: int, per_kind: int, values: Iterable[str],
                  report: Callable[[Finding], None], slow_ms: int | None = None) -> tuple[int, int]:
    """Follow the account's links, then send its forms with odd values; returns (pages read, forms sent). Signed
    in inside each request's own transaction (``_isolated``). With ``slow_ms``, an answer that took longer is
    reported too (its time taken from the request alone, the sign-in left out)."""
    account = user.get_username() if user is not None else ANONYMOUS  # None: signed out

    start = START if user is not None else PUBLIC_START
    # (address, the page that offered it, read as HTMX does)
    queue = collections.deque((url, "-", False) for url in start)
    seen: set[tuple[str, bool]] = set()
    kinds, forms = collections.Counter(), {}
    while queue and len(seen) < pages:
        url, via, htmx = queue.popleft()
        if (url, htmx) in seen:
            continue
        seen.add((url, htmx))
        response, ms = _isolated(client, user, client.get, url, **(HTMX if htmx else {}))
        shown_by = f"{via} (hx-get)" if htmx else via
        if response.status_code >= 500 or (response.status_code in (403, 404) and via != "-"):
            report(Finding(account, response.status_code, url, shown_by))
        elif slow_ms is not None and ms > slow_ms:
            report(Finding(account, response.status_code, url, shown_by, ms))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode(errors="replace")
        parser = _Forms(url)
        parser.feed(html)
        for form in parser.forms:
            if not NOT_SENT.search(form.action):
                forms.setdefault((form.method, _kind(form.action), form.htmx), form)
        for pattern, by_htmx in ((HREF, False), (HX_GET, True)):
            for link in _links(url, html, pattern):
                kind = (_kind(link), by_htmx)
                kinds[kind] += 1
                if (link, by_htmx) not in seen and not NOT_FOLLOWED.search(link) and kinds[kind] <= per_kind:
                    queue.append((link, url, by_htmx))
    sent = 0
    for form in forms.values():
        # An HTMX form is sent both ways: a browser without JavaScript posts it plainly.
        ways = [HTMX, {}] if form.htmx and not form.element else [HTMX if form.htmx else {}]
        for name in [n for n in form.fields if n != "csrfmiddlewaretoken"]:
            for value in values:
                for headers in ways:
                    sent += 1
                    send = client.post if form.method == "post" else client.get
                    response, ms = _isolated(client, user, send, form.action, {**form.fields, name: value},
                                             **headers)
                    how = f"{form.method.upper()}{' (HTMX)' if headers else ''} {name}={value[:20]!r}"
                    if response.status_code >= 500:
                        report(Finding(account, response.status_code, form.action, how))
                    elif slow_ms is not None and ms > slow_ms:
                        report(Finding(account, response.status_code, form.action, how, ms))
    return len(seen), sent


def crawl(accounts: Iterable[str] = ACCOUNTS, *, pages: int = 150, per_kind: int = 2,
          values: Iterable[str] = ODD_VALUES, write: Callable[[str], None] = print,
          slow_ms: int | None = None) -> list[Finding]:
    """Every account in turn, each request in its own rolled-back transaction; returns what it found."""
    found: list[Finding] = []

    def report(finding: Finding) -> None:
        found.append(finding)
        write(f"  {finding}")

    users = get_user_model().objects
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"], OTP_REQUIRED=False, SECURE_SSL_REDIRECT=False):
        for account in accounts:
            user = users.filter(username=account).first() if account != ANONYMOUS else None
            if user is None and account != ANONYMOUS:
                write(f"{account}: no such account (seed the demo first: manage.py seed_demo)")
                continue
            client = Client(raise_request_exception=False)
            read, sent = crawl_account(client, user, pages=pages, per_kind=per_kind, values=tuple(values),
                                       report=report, slow_ms=slow_ms)
            write(f"{account}: {read} pages read, {sent} forms sent with odd values")
    return found
