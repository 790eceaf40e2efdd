"""The gate: a signed-in account that must still pass its second factor, or change a password an admin set, sees
only those pages (and logout) until it has. /admin/ is behind the same gate. API requests with a token carry no
session and are not affected; a session-signed API request answers 403 in JSON instead of a redirect."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .otp import pending_step

# Pages an account may open while a step is pending.
OPEN_VIEWS = frozenset({
    "logout", "admin:logout", "set_language", "login",
    "security:otp_verify", "security:otp_enrol", "security:password_change",
})


class AccountGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        path = request.path_info
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        step = pending_step(request)
        if step is None:
            return None
        if path.startswith("/api/"):
            message = (_("비밀번호를 바꾼 뒤에 사용할 수 있습니다.") if step == "password_change"
                       else _("2단계 인증을 마친 뒤에 사용할 수 있습니다."))
            return JsonResponse({"detail": message}, status=403)
        target = reverse(f"security:{step}")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
