"""Households' part of the offline field app, registered with :mod:`households.field_registry` (found, like
discovery's ``fieldwork`` module, by ``discover("fieldwork")``): visits, check-ins and consents signed
on the device, from the queue."""

# Importing the modules registers their kinds: "visit" and "check_in", and "consent".
from .services import field_sync, field_sync_consent  # noqa: F401
