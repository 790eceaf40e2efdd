"""Households' part of the offline field app, registered with :mod:`households.field_registry` (found, like
discovery's ``fieldwork`` module, by ``autodiscover_modules("fieldwork")``): visits and check-ins from the queue."""

from .services import field_sync  # noqa: F401  (registers the "visit" and "check_in" kinds)
