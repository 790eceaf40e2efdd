"""The one "set fields, save, diff, log" pattern every service update uses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

from welfare.audit import diff, log_action

M = TypeVar("M", bound=models.Model)


def model_update(
    instance: M,
    data: Mapping[str, Any],
    fields: Iterable[str],
    *,
    by,
    verb: str,
    secret: Iterable[str] = (),
    reason: str = "",
) -> tuple[M, dict]:
    """Set the ``fields`` present in ``data``, save, and log the changes under ``verb`` (no entry when nothing
    changed). Returns the instance and the changes (``{field: [before, after]}``; secret fields
    ``"(changed)"``)."""
    fields = tuple(fields)
    old = {name: getattr(instance, name) for name in fields}
    touched = [name for name in fields if name in data]
    for name in touched:
        setattr(instance, name, data[name])
    instance.save()
    changes = diff(instance, old, fields, secret=secret)
    if changes:
        log_action(instance, verb, user=by, changes=changes, reason=reason)
    return instance, changes
