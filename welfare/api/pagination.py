"""A keyset cursor for incremental sync: every row once, however many rows share a timestamp.

DRF's ``CursorPagination`` keys its cursor on the first ordering field only and steps over equal values with an
offset capped at 1000. A bulk write (``households_reschedule``, the sweeps) gives thousands of rows the same
``updated_at``, and a sync walking ``-updated_at`` would then repeat or skip rows. Here the cursor holds the whole
ordering tuple, which always ends with the primary key, and the next page is the rows strictly after it:
``(a, id) < (a₀, id₀)`` written as ``a <= a₀ AND (a < a₀ OR (a = a₀ AND id < id₀))`` so an index on ``a`` still
serves the range. Ordering fields must never be NULL (a nullable date sorts through a non-null alias, see
:class:`KeysetOrderingFilter`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import Cursor, _reverse_ordering


class CursorPage(pagination.CursorPagination):
    """Stable under inserts, for incremental sync. ``page_size`` may be asked for, up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-updated_at", "-id")


UNIQUE_KEYS = ("id", "pk")


class KeysetOrderingFilter(OrderingFilter):
    """``?ordering=`` over the viewset's ``ordering_fields``; ``view.ordering_aliases`` maps a public name (or a
    signed one, ``"-next_contact_on"``) to the non-null expression it sorts by."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        aliases = getattr(view, "ordering_aliases", {})
        out = []
        for term in ordering:
            sign, name = ("-", term[1:]) if term.startswith("-") else ("", term)
            # A signed key names the expression for that direction only (NULL last both ways needs two).
            out.append(aliases[term] if term in aliases else sign + aliases.get(name, name))
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


class KeysetCursorPage(CursorPage):
    """The shared page size and cap, with a composite keyset cursor (no offsets, no COUNT)."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view))
        if not any(term.lstrip("-") in UNIQUE_KEYS for term in ordering):
            # The primary key breaks ties in the direction of the first field.
            ordering.append("-id" if ordering and ordering[0].startswith("-") else "id")
        return tuple(ordering)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)  # type: ignore[assignment]  # never None: max and default set
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        # Our cursors carry a JSON-encoded key tuple where DRF's carry an int (the stubs say int).
        position = self._decode_position(self.cursor.position) if self.cursor else None  # type: ignore[arg-type]

        queryset = queryset.order_by(*(_reverse_ordering(self.ordering) if reverse else self.ordering))
        if position is not None:
            try:
                queryset = queryset.filter(self._beyond(position, reverse=reverse))
            except (DjangoValidationError, ValueError, TypeError):
                raise NotFound(self.invalid_cursor_message) from None
        # Ids first, in one statement: the page's keys from the bare rows (an index-only scan of the sort index,
        # the scope checked inside the index), the joins and columns for those rows alone. Fetching whole rows
        # while walking, a district admin's 200 households read 28,000 heap rows of other districts at 1,000,000.
        page_ids = queryset.values("pk")[: self.page_size + 1]
        queryset = queryset.filter(pk__in=page_ids)
        try:
            results = list(queryset[: self.page_size + 1])
        except (DjangoValidationError, ValueError, TypeError):  # a tampered value that only the database refuses
            raise NotFound(self.invalid_cursor_message) from None
        self.page = results[: self.page_size]
        more = len(results) > self.page_size
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = position is not None, more
        else:
            self.has_next, self.has_previous = more, position is not None
        self.display_page_controls = self.has_next or self.has_previous
        return self.page

    def _decode_position(self, raw: str | None) -> list | None:
        if raw is None:
            return None
        try:
            values = json.loads(raw)
        except ValueError:
            raise NotFound(self.invalid_cursor_message) from None
        if not isinstance(values, list) or len(values) != len(self.ordering) or None in values:
            raise NotFound(self.invalid_cursor_message)
        return values

    def _beyond(self, position: list, *, reverse: bool) -> Q:
        """Rows strictly after ``position`` in the walking order (before it when walking back)."""
        terms = [(t.lstrip("-"), t.startswith("-") != reverse) for t in self.ordering]  # (field, descending)
        first, first_desc = terms[0]
        condition = Q()
        equal = Q()
        for (name, descending), value in zip(terms, position, strict=True):
            condition |= equal & Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            equal &= Q(**{name: value})
        # Redundant with the OR above, but it gives the planner a range on the first (indexed) column.
        return Q(**{f"{first}__{'lte' if first_desc else 'gte'}": position[0]}) & condition

    def _get_position_from_instance(self, instance, ordering) -> str:
        values = []
        for term in ordering:
            name = term.lstrip("-")
            value = instance[name] if isinstance(instance, dict) else getattr(instance, "pk" if name == "pk" else name)
            values.append(_plain(value))
        return json.dumps(values, separators=(",", ":"))

    def get_next_link(self):
        if not self.has_next:
            return None
        position = (self._get_position_from_instance(self.page[-1], self.ordering) if self.page
                    else self.cursor.position)  # type: ignore[union-attr]
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=position))  # type: ignore[arg-type]

    def get_previous_link(self):
        if not self.has_previous:
            return None
        position = (self._get_position_from_instance(self.page[0], self.ordering) if self.page
                    else self.cursor.position)  # type: ignore[union-attr]
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=position))  # type: ignore[arg-type]
