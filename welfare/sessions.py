"""The session store: Django's database sessions, the session read on every request compiled once.

``SESSION_ENGINE`` names this module. It is Django's ``db`` store (same table, same encoding, so sessions signed
in before a deploy stay signed in) with one change: the read of the session by its key, unexpired, is a
:class:`~welfare.common.prepared.Prepared` read instead of a queryset built anew on each request.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from .common.prepared import Prepared

_unexpired = Prepared(lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now), str,
                      dt.datetime)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        key = self.session_key  # None, or a key the base class validated
        found = _unexpired.first(key, timezone.now()) if key is not None else None
        if found is None:
            self._session_key = None
        return found
