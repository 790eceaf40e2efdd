"""Token authentication against hashed keys (welfare.models.ApiToken) and a per-token throttle."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling

from welfare.audit import set_acting_token
from welfare.models import ApiToken


class HashedTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer dw_…`` (``Token dw_…`` is accepted too)."""

    keywords = ("Bearer", "Token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="ignore") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("토큰 형식이 올바르지 않습니다."))
        key = header[1].decode(errors="ignore")
        token = (ApiToken.objects.active().select_related("user", "user__staff")
                 .filter(key_hash=ApiToken.hash_key(key)).first())
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("토큰이 없거나 폐기되었습니다."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            # At most one write a minute per token, not one per request.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        set_acting_token(token)  # every access-log entry of this request names the token
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "welfare.api.auth.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An admin issues tokens: `Bearer dw_…`"}


class PerTokenThrottle(throttling.SimpleRateThrottle):
    """One bucket per token (per session user for the browser, per address when anonymous)."""

    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
