"""The Content-Security-Policy (django-csp 4), read by welfare/settings.py: scripts and styles only from our own
static files, no inline code (the pages' behaviour lives in static/js, the API docs use drf-spectacular's split
Swagger view)."""

from __future__ import annotations

from csp.constants import NONE, SELF


def content_security_policy(report_uri: str = "") -> dict:
    """The policy, reporting violations to ``report_uri`` when one is given (CSP_REPORT_URI)."""
    policy: dict = {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": [SELF, "data:"],
            # The field app's service worker (/sw.js) and manifest are our own files.
            "worker-src": [SELF],
            "manifest-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        },
    }
    if report_uri:
        policy["DIRECTIVES"]["report-uri"] = [report_uri]
    return policy
