"""The password backend: Django's ``ModelBackend`` with the signed-in user's read, made on every request,
compiled once (:class:`~welfare.common.prepared.Prepared`). Authentication and permissions are Django's.

A session remembers the backend that signed it in; one signed in through Django's own ``ModelBackend`` (before
this backend existed) is asked to sign in again once.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .common.prepared import Prepared

_user_by_pk = Prepared(lambda pk: get_user_model()._default_manager.filter(pk=pk), int)


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        if type(user_id) is not int:
            return super().get_user(user_id)  # a key of another type: Django's own read
        user = _user_by_pk.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
