"""A model choice field's options read with one plain query, not a server-side cursor.

Django's ``ModelChoiceIterator`` reads the options through ``QuerySet.iterator()``, which on PostgreSQL opens a
server-side cursor: ``DECLARE … WITH HOLD`` (outside a transaction, its rows are copied aside at commit), then
``FETCH`` and ``CLOSE``: three round trips where one would do. Every list page's filter form draws such a
field (the dongs, the officials) on every request, and the choices are a few dozen rows that the widget writes
out whole anyway, so streaming them saves no memory. The iterators here run the same query as a plain SELECT,
anew on each iteration as Django's does (``.all()``: no stale result cache on a field declared once).

``WelfareConfig.ready`` installs them as the ``iterator`` of Django's and django-filter's model choice fields
(the attribute Django documents for this); ``DISABLE_SERVER_SIDE_CURSORS`` is not the tool, as exports and
sweeps rely on streaming cursors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import django_filters
from django import forms
from django.http import HttpRequest
from django_filters import fields as filter_fields


class FetchedChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self) -> Iterator:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        options = getattr(self.field, "options", None)  # set by OptionsChoiceFilter
        for obj in options() if options is not None else self.queryset.all():
            yield self.choice(obj)


class FetchedFilterChoiceIterator(filter_fields.ModelChoiceIterator, FetchedChoiceIterator):
    """django-filter's iterator (which adds the "null" choice) over :class:`FetchedChoiceIterator`."""


class OptionsChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice filter whose select's options come from ``options(request)``, a read that gives the same rows
    as ``queryset(request)`` in the same order (one compiled once, say); the queryset still checks a chosen value."""

    def __init__(self, *args, options: Callable[[HttpRequest | None], Iterable], **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options

    @property
    def field(self):
        return self.give_options(super().field, self.get_request())

    def give_options(self, field, request):
        """Make ``field`` draw its options from this request's read (the iterator above asks for them)."""
        field.options = lambda: self.options(request)
        return field


def install() -> None:
    forms.ModelChoiceField.iterator = FetchedChoiceIterator
    forms.ModelMultipleChoiceField.iterator = FetchedChoiceIterator
    filter_fields.ModelChoiceField.iterator = FetchedFilterChoiceIterator
    filter_fields.ModelMultipleChoiceField.iterator = FetchedFilterChoiceIterator
