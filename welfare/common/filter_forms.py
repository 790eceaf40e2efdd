"""A filter set whose form class is built once per class, not on every request.

django-filter builds a new form class on each request (``get_form_class``): every filter's field, a class made
with ``type()`` and Django's form metaclass, then the form deep-copies the fields. On the household list that was
about a twentieth of the page. :class:`FormClassOnce` builds the class at the first request and keeps it.

Only a field whose queryset depends on the request (a filter given ``queryset=`` as a callable: the dongs a user
may see) differs between requests. The kept class holds an empty queryset for it, so no request's rows linger
in it, and each form gets this request's queryset (and, for an
:class:`~welfare.common.model_choices.OptionsChoiceFilter`, its options) on its own copy of the field.
"""

from __future__ import annotations

import django_filters
from django_filters.filters import QuerySetRequestMixin

from .model_choices import OptionsChoiceFilter


def _per_request(filter_) -> bool:
    return isinstance(filter_, QuerySetRequestMixin) and callable(filter_.queryset)


class FormClassOnce(django_filters.FilterSet):
    def get_form_class(self):
        cls = type(self)
        form_class = cls.__dict__.get("_form_class_once")
        if form_class is None:
            form_class = super().get_form_class()
            for name, filter_ in self.filters.items():
                if _per_request(filter_):
                    field = form_class.base_fields[name]
                    field.queryset = field.queryset.none()
                    field.__dict__.pop("options", None)
            cls._form_class_once = form_class
        return form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, filter_ in self.filters.items():
                if _per_request(filter_):
                    field = form.fields[name]
                    field.queryset = filter_.get_queryset(self.request)
                    if isinstance(filter_, OptionsChoiceFilter):
                        filter_.give_options(field, self.request)
        return self._form
