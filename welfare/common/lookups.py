"""``id__in=[…]`` with a number too large for the column names no row, on every database.

Django drops an out-of-range number from an exact or comparison lookup on an integer column, but not from
``__in``: on SQLite (the embedded default) a twenty-digit id sent to a multiple-choice field (dongs, instruments,
the ids of a bulk action) reached the driver and the page answered 500 ("Python int too large to convert to SQLite
INTEGER"). PostgreSQL compared it and found nothing. :class:`IntegerIn` leaves such numbers out before the query is
built, so both databases answer as PostgreSQL did: the value matches nothing, and a form says the choice is not
valid. ``WelfareConfig.ready`` registers it for every integer column (ids and foreign keys' ids included).
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            try:
                low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            except KeyError:  # a column type the backend gives no range for: as Django would
                return super().process_rhs(compiler, connection)
            self.rhs = [value for value in self.rhs if not isinstance(value, int)
                        or ((low is None or value >= low) and (high is None or value <= high))]
        return super().process_rhs(compiler, connection)


def install() -> None:
    IntegerField.register_lookup(IntegerIn)
