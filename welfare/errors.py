"""The one error type every service raises, and the one for a lost update.

Services validate and raise :class:`RuleError` with field-level messages (``RuleError({"field": "sentence"})``)
or a sentence for the whole input (``RuleError("sentence")``). Views put it on their form with
:func:`show_on_form` (beside the field it names, else at the top), the API's error handler answers 400 with the same field names, and
the admin shows the sentence. :class:`StaleVersion` is the optimistic-locking refusal (409 in the API).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django import forms


class RuleError(ValidationError):
    """A business rule refused the change; every message is for the user (Korean, translated)."""


class StaleVersion(Exception):
    """Someone else saved the record since this form (or API client) read it."""


def show_on_form(form: forms.BaseForm, error: ValidationError, *, prefix: str = "") -> None:
    """Show a service's RuleError on ``form``: each message beside the field it names (``reporter.phone`` is the
    form's ``reporter_phone``; ``prefix`` for a prefixed form), else at the top; a message the form already shows
    on that field is not repeated."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = name.replace(".", "_")
        target = f"{prefix}{name}" if f"{prefix}{name}" in form.fields else (name if name in form.fields else None)
        for e in errors:
            if target is not None and target in form.errors and any(m in form.errors[target] for m in e.messages):
                continue
            form.add_error(target, e)
