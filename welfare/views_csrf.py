"""The page Django shows when a form's security (CSRF) token is refused (``CSRF_FAILURE_VIEW``).

It happens to field workers for ordinary reasons: a form left open while they logged in again in another tab (the
login gives the browser a new token), or cookies cleared. Instead of Django's English error, a Korean page (English
with the language switch) says what happened and keeps everything that was posted, except passwords, one-time
codes and the old token: as hidden fields of a form to the same address, which "다시 보내기" sends again with a
fresh token, and the typed texts shown read-only so nothing can be lost even if the user goes elsewhere. The visit
form's ``submission_token`` is kept too, so a visit sent twice is still saved once.

When the user is no longer signed in and the address needs a login, a fresh token would only carry the post to the
login redirect, which drops it: that form is rendered *without* a token, so sending it before signing in brings
this page back (nothing lost), and the page offers a login link (in a new tab) whose ``next`` returns to the form.
Once signed in, sending again shows this page with a fresh token, and "다시 보내기" then saves.

Always 403, never cached. API clients never get here (DRF checks CSRF itself and answers in JSON); a path under
/api/ still gets the API's error shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

# Never sent again nor shown: passwords (password, new_password1, old_password…), one-time codes and tokens of
# the second factor, and the refused CSRF token itself.
SECRET_FIELD = re.compile(r"pass|otp|secret|csrfmiddlewaretoken", re.IGNORECASE)
# A value shown read-only as well as kept: what a person typed (a space or a non-ASCII letter, or long), not a
# code, a number, a date or an id.
CODE_VALUE = re.compile(r"[\w:.+\-/@]{0,40}", re.ASCII)


@dataclass(frozen=True)
class KeptField:
    name: str
    value: str

    @property
    def typed(self) -> bool:
        return bool(self.value.strip()) and not CODE_VALUE.fullmatch(self.value)


def kept_fields(request: HttpRequest) -> tuple[list[KeptField], bool]:
    """The posted fields to send again (in order, every value of a repeated name) and whether any was left out
    as secret. Files are never in ``request.POST``."""
    kept: list[KeptField] = []
    dropped = False
    for name, values in request.POST.lists():
        if SECRET_FIELD.search(name):
            dropped = dropped or name != "csrfmiddlewaretoken"
            continue
        kept.extend(KeptField(name, value) for value in values)
    return kept, dropped


def _needs_login(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is None or getattr(match.func, "login_required", True)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"error": {"code": "csrf_failed", "message": _("보안 토큰이 맞지 않습니다. 다시 시도하세요."),
                                       "fields": {}}}, status=403)
    kept, dropped_secret = kept_fields(request)
    needs_login = _needs_login(request)
    signed_out = needs_login and not request.user.is_authenticated
    response = render(request, "welfare/csrf_failure.html", {
        "kept": kept,
        "typed": [field for field in kept if field.typed],
        "dropped_secret": dropped_secret,
        "had_files": bool(request.FILES),
        "signed_out": signed_out,
        "public": not needs_login,
        "action": request.get_full_path(),
    }, status=403)
    add_never_cache_headers(response)  # the page holds what was typed: personal data
    return response
