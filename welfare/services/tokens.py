"""REST API tokens: issue (the key shown once, only its hash stored) and revoke. Audited.

The Django admin (``welfare.admin.ApiTokenAdmin``) calls these; it writes no token itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from welfare.audit import log_action
from welfare.errors import RuleError
from welfare.models import ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User

NAME_MAX = ApiToken._meta.get_field("name").max_length


@transaction.atomic
def token_issue(*, user: User, name: str, by: User) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key; the key is never stored, so the caller shows it once."""
    name = (name or "").strip()
    if not name:
        raise RuleError({"name": ApiToken._meta.get_field("name").error_messages["blank"]})
    if NAME_MAX and len(name) > NAME_MAX:
        raise RuleError({"name": ApiToken._meta.get_field("name").error_messages["max_length"]
                         % {"limit_value": NAME_MAX}})
    token, key = ApiToken.issue(user=user, name=name, by=by)
    log_action(token, "welfare.apitoken.issued", user=by,
               changes={"user": token.user_id, "name": token.name, "prefix": token.prefix})
    return token, key


@transaction.atomic
def tokens_revoke(*, tokens: Iterable[ApiToken], by: User) -> list[ApiToken]:
    """Revoke the tokens not revoked yet (a revoked one keeps its first time); returns those revoked now.
    Tokens are revoked, never deleted, so the access log keeps pointing at something."""
    now = timezone.now()
    pending = list(ApiToken.objects.select_for_update().filter(pk__in=[t.pk for t in tokens],
                                                               revoked_at__isnull=True))
    ApiToken.objects.filter(pk__in=[t.pk for t in pending]).update(revoked_at=now)
    for token in pending:
        token.revoked_at = now
        log_action(token, "welfare.apitoken.revoked", user=by)
    return pending
