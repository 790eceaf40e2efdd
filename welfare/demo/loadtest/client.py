"""The browser's share of a load-test user, for any ``requests.Session`` (Locust's ``HttpSession`` is one).

The server runs with the production settings behind a stand-in for the TLS proxy: the client speaks plain HTTP on
the loopback and sends ``X-Forwarded-Proto: https`` (honoured with ``TRUSTED_PROXY_COUNT=1``), so the server
sees HTTPS, sets ``Secure`` cookies and checks the form token's ``Origin`` as over HTTPS. The adapter below
keeps those cookies (without their ``Secure`` flag, client side only) so they go back over the loopback, as the
browser sends them over the proxy's TLS.
"""

from __future__ import annotations

import re

from requests.adapters import HTTPAdapter

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECURE_ATTRIBUTE = re.compile(r";\s*secure\s*(?=;|$)", re.IGNORECASE)


class LoopbackTLSAdapter(HTTPAdapter):
    """Drops ``Secure`` from the ``Set-Cookie`` headers before the session's cookie jar reads them: the TLS is
    the stand-in proxy's header, not the socket, and a jar would otherwise never send them over plain HTTP."""

    def build_response(self, req, resp):
        original = getattr(resp, "_original_response", None)
        message = getattr(original, "msg", None)
        values = message.get_all("Set-Cookie") if message is not None else None
        if values:
            del message["Set-Cookie"]
            for value in values:
                message["Set-Cookie"] = insecure(value)
        return super().build_response(req, resp)


def insecure(set_cookie: str) -> str:
    return SECURE_ATTRIBUTE.sub("", set_cookie)


def proxied(session, base_url: str):
    """Sets up ``session`` as a browser behind the site's TLS proxy; returns it."""
    session.mount("http://", LoopbackTLSAdapter())
    session.headers.update({
        "X-Forwarded-Proto": "https",
        "Origin": origin(base_url),
        "Accept-Language": "ko",
    })
    return session


def origin(base_url: str) -> str:
    """The origin the server believes it has (HTTPS, the same host and port)."""
    host = base_url.split("://", 1)[-1].rstrip("/")
    return f"https://{host}"


def csrf_token(html: str) -> str:
    found = CSRF_FIELD.search(html)
    if found is None:
        raise ValueError("no csrfmiddlewaretoken in the page")
    return found.group(1)


def login(session, base_url: str, username: str, password: str, **kwargs) -> bool:
    """Signs in through the login page (its form token, the lockout and password checks): True when the server
    answered the redirect of a successful login. ``kwargs`` go to the requests (Locust's ``name=``)."""
    page = session.get(f"{base_url}/login/", **kwargs)
    token = csrf_token(page.text)
    response = session.post(f"{base_url}/login/", data={
        "csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/households/",
    }, headers={"Referer": f"{origin(base_url)}/login/"}, allow_redirects=False, **kwargs)
    return response.status_code == 302 and "sessionid" in session.cookies
