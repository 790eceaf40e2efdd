"""The one error type every service raises, and the one for a lost update.

Services validate and raise :class:`RuleError` with field-level messages (``RuleError({"field": "sentence"})``)
or a sentence for the whole input (``RuleError("sentence")``). Forms copy the fields onto their own fields
(``form.add_error(None, error)`` does it), the API's error handler answers 400 with the same field names, and
the admin shows the sentence. :class:`StaleVersion` is the optimistic-locking refusal (409 in the API).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class RuleError(ValidationError):
    """A business rule refused the change; every message is for the user (Korean, translated)."""


class StaleVersion(Exception):
    """Someone else saved the record since this form (or API client) read it."""
