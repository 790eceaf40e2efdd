"""The access log helper every service calls, and the middleware that gives it the request's address."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.signals import request_started
from django.db import models

from .access_review import subjects
from .common.net import client_ip  # also what django-axes calls (AXES_CLIENT_IP_CALLABLE)
from .common.prepared import PreparedInsert
from .models import AccessAction, AccessLog

# Every view appends a row: its INSERT written once per database (no signal receivers on the access log).
_insert = PreparedInsert(AccessLog)

_request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("welfare_request_ip", default=None)
# The API token that authenticated this request: (id, prefix), set by welfare.api.auth, read by every entry.
_request_token: contextvars.ContextVar[tuple[int, str] | None] = contextvars.ContextVar(
    "welfare_request_token", default=None)


def set_acting_token(token) -> None:
    """Every entry written for the rest of this request names ``token`` (an ApiToken)."""
    _request_token.set((token.pk, token.prefix))


def _forget_token(**kwargs) -> None:
    # A worker thread serves many requests: a token must not outlive the request that presented it.
    _request_token.set(None)


request_started.connect(_forget_token, dispatch_uid="welfare.audit.forget_token")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _request_ip.reset(token)


def _action_for(verb: str) -> str:
    last = verb.rsplit(".", 1)[-1].rsplit("_", 1)[-1]  # "rrn_revealed" is a reveal, "csv_exported" an export
    mapping = {
        "viewed": AccessAction.VIEW,
        "created": AccessAction.CREATE,
        "recorded": AccessAction.CREATE,
        "deleted": AccessAction.DELETE,
        "exported": AccessAction.EXPORT,
        "revealed": AccessAction.REVEAL,
        "login": AccessAction.LOGIN,
    }
    return mapping.get(last, AccessAction.UPDATE)


HOUSEHOLD_LABEL = "households.Household"


def _household_id_of(obj) -> int | None:
    """The household an entry is about, by duck typing (the core imports no app): the household itself, a record
    with a ``household_id``, or one that names it with ``access_log_household_id``."""
    if obj._meta.label == HOUSEHOLD_LABEL:
        return obj.pk
    named = getattr(obj, "access_log_household_id", None)
    if named is not None:
        return named
    return getattr(obj, "household_id", None)


def log_action(
    obj: models.Model | None,
    verb: str,
    *,
    user=None,
    reason: str = "",
    changes: dict | None = None,
    household_id: int | None = None,
    action: str | None = None,
) -> AccessLog:
    """Append one entry: ``log_action(household, "households.household.viewed", user=request.user)``."""
    row = _entry(obj, verb, user, reason, changes, household_id, action)
    subjects.stamp([row], user, [obj])
    return _insert(AccessLog(**row))


def logged_params(params, *, skip: Iterable[str] = ("page",)) -> dict[str, str]:
    """The query of a list (GET parameters), bounded and without NUL (jsonb refuses it): what the user asked,
    never the rows. Unknown parameters reach here unvalidated."""
    skipped = set(skip)
    pairs = [(k, ",".join(params.getlist(k)) if hasattr(params, "getlist") else params[k])
             for k in params if k not in skipped][:30]
    return {k.replace("\x00", "")[:50]: v.replace("\x00", "")[:200] for k, v in pairs}


def log_list(verb: str, *, user, params, count: int, total: int | None = None,
             skip: Iterable[str] = ("page",), obj: models.Model | None = None) -> AccessLog:
    """One entry per list page view (household list, caseload, triage queue...): the query and how many rows
    were shown (``total``: how many matched), as the API lists write. One INSERT."""
    changes: dict = {"count": count, "filters": logged_params(params, skip=skip)}
    if total is not None:
        changes["total"] = total
    return log_action(obj, verb, user=user, action=AccessAction.VIEW, changes=changes)


def log_actions(objs: Iterable[models.Model], verb: str, *, user=None, reason: str = "") -> None:
    """One entry per object in a single INSERT, for bulk services."""
    objs = list(objs)
    rows = [_entry(o, verb, user, reason, None, None, None) for o in objs]
    subjects.stamp(rows, user, objs)
    AccessLog.objects.bulk_create([AccessLog(**row) for row in rows])


def _entry(obj, verb, user, reason, changes, household_id, action) -> dict:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    token = _request_token.get()
    return {
        "token_id": token[0] if token else None,
        "token_prefix": token[1] if token else "",
        "user": user if authenticated else None,
        "username": user.get_username() if authenticated else "",
        "ip": _request_ip.get(),
        "action": action or _action_for(verb),
        "verb": verb,
        "content_type": ContentType.objects.get_for_model(obj) if obj is not None else None,
        "object_id": str(obj.pk) if obj is not None and obj.pk is not None else "",
        "object_repr": str(obj)[:200] if obj is not None else "",
        "household_id": household_id if household_id is not None else (_household_id_of(obj) if obj else None),
        "reason": reason[:300],
        "changes": changes or {},
    }


def diff(instance: models.Model, old: dict, fields: Iterable[str], *, secret: Iterable[str] = ()) -> dict:
    """Field changes for the log, never with the values of secret fields."""
    out = {}
    for name in fields:
        before, after = old.get(name), getattr(instance, name)
        if before != after:
            out[name] = "(changed)" if name in secret else [_plain(before), _plain(after)]
    return out


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
