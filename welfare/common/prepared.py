"""Reads built and compiled by the ORM once per process, then run with new values.

Django builds a queryset and compiles it to SQL anew on every call: for a small statement that costs two to
three times the statement itself (the bench's ``orm_floor``). The reads every signed-in page makes (the user,
their membership and dongs, the bell's count) have one shape whatever the values: a :class:`Prepared` read is
that queryset written once, over its arguments, and compiled at its first use per database alias. Later calls
run the same SQL with the new values in the arguments' places and turn the rows into what the queryset would
have given (model instances, with ``select_related`` and annotations; plain values; a count).

The queryset stays the one home of the rule (its scoping, its columns, its order): this only skips rebuilding
it. At its first use a read is built twice with two sets of stand-in values and both are compiled; it is refused
(``ImproperlyConfigured``) unless the two give the same SQL, every stand-in is found among the parameters in the
same places, and every other parameter is the same in both. That catches a build that changes its SQL with a
value, that transforms an argument (``__contains`` wraps it in ``%``), or that reads the clock. A build must
depend on its arguments alone (a date read inside it would be kept until the process restarts): pass the time
in as an argument. Arguments are ``int``, ``str`` or an aware ``datetime`` (passed as a ``DateTimeField`` passes it).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable

_KINDS = (int, str, dt.datetime)
# Stand-in values: negative (no key is), within a 32-bit integer column's range (Django answers an empty result
# for a value outside it without asking the database), and apart from each other; instants no row holds.
_STAND_INS: dict[type, tuple] = {
    int: (-2_013_265_921, -2_013_266_921),
    str: ("\x1fprepared-a-", "\x1fprepared-b-"),
    dt.datetime: (dt.datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC), dt.datetime(1902, 3, 4, 5, 6, 7, 8, tzinfo=dt.UTC)),
}


def _stand_ins(kinds: tuple[type, ...], which: int) -> list:
    values = []
    for i, kind in enumerate(kinds):
        base = _STAND_INS[kind][which]
        values.append(base - i if kind is int else f"{base}{i}" if kind is str else base + dt.timedelta(days=i))
    return values


def _adapter(kind: type, connection) -> Callable[[Any], Any]:
    """How the ORM passes a value of this kind to the database: ints and strings as they are, an instant as a
    ``DateTimeField`` does (SQLite takes text in its connection's time zone)."""
    if kind is dt.datetime:
        return connection.ops.adapt_datetimefield_value
    return lambda value: value


@dataclass(frozen=True)
class _Compiled:
    """One read compiled for one database: its SQL, its parameters with the arguments' slots, and the compiler
    whose columns, converters and model layout turn the rows into results."""

    sql: str
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (position in params, argument index)
    adapters: tuple[Callable[[Any], Any], ...]  # per argument
    compiler: Any
    iterable: type

    def bind(self, values: tuple) -> list:
        params = list(self.params)
        for position, index in self.slots:
            params[position] = self.adapters[index](values[index])
        return params


class _Query:
    """What ``ModelIterable``/``ValuesListIterable`` ask of a queryset's query: a compiler, here the compiled
    one with the call's parameters."""

    def __init__(self, compiler):
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):  # anything else the iterables read (e.g. the values' field names)
        return getattr(self._compiler.query, name)


class _Stand:
    """The part of a queryset the iterables read, around a compiled read bound to one call's values."""

    def __init__(self, queryset: QuerySet, compiler):
        self.db = queryset.db
        self.model = queryset.model
        self.query = _Query(compiler)
        self._known_related_objects: dict = {}
        self._fields = queryset._fields  # type: ignore[attr-defined]  # Django's, not in django-stubs


class Prepared:
    """A read whose queryset is built by ``build(*arguments)`` and compiled once per database.

    ``kinds`` are the arguments' types (``int``, ``str``, ``datetime``). The queryset may end in ``values_list()``;
    it may not use ``prefetch_related`` (a second query the compiled SQL does not hold).
    """

    def __init__(self, build: Callable[..., QuerySet], *kinds: type):
        if not kinds or any(kind not in _KINDS for kind in kinds):
            raise ImproperlyConfigured("Prepared reads take int, str or datetime arguments")
        self.build = build
        self.kinds = kinds
        self._compiled: dict[str, tuple[_Compiled, QuerySet]] = {}

    def __repr__(self) -> str:
        return f"<Prepared {getattr(self.build, '__qualname__', self.build)}>"

    def _check(self, values: tuple) -> None:
        if len(values) != len(self.kinds) or any(
                type(value) is not kind or (isinstance(value, dt.datetime) and value.tzinfo is None)
                for value, kind in zip(values, self.kinds, strict=True)):
            raise TypeError(f"{self!r} takes ({', '.join(k.__name__ for k in self.kinds)}), got {values!r}")

    def _compile(self, queryset: QuerySet) -> tuple[str, tuple, Any]:
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]  # Django's, not in django-stubs
            raise ImproperlyConfigured(f"{self!r}: prefetch_related needs a query of its own")
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        return sql, tuple(params), compiler

    def _prepare(self, alias: str) -> tuple[_Compiled, QuerySet]:
        first, second = _stand_ins(self.kinds, 0), _stand_ins(self.kinds, 1)
        queryset, other = self.build(*first).using(alias), self.build(*second).using(alias)
        adapters = tuple(_adapter(kind, connections[alias]) for kind in self.kinds)
        first = [adapt(value) for adapt, value in zip(adapters, first, strict=True)]
        second = [adapt(value) for adapt, value in zip(adapters, second, strict=True)]
        sql, params, compiler = self._compile(queryset)
        other_sql, other_params, _ = self._compile(other)
        if sql != other_sql or len(params) != len(other_params):
            raise ImproperlyConfigured(f"{self!r}: its SQL changes with the values of its arguments")
        slots = []
        for position, (param, other_param) in enumerate(zip(params, other_params, strict=True)):
            index = next((i for i, stand_in in enumerate(first) if type(param) is type(stand_in)
                          and param == stand_in), None)
            if index is not None:
                if other_param != second[index]:
                    raise ImproperlyConfigured(f"{self!r}: argument {index} is not passed to the SQL as given")
                slots.append((position, index))
            elif param != other_param:
                raise ImproperlyConfigured(
                    f"{self!r}: parameter {position} differs between two builds ({param!r}, {other_param!r}): an "
                    "argument changed on its way to the SQL, or a build that does not depend on its arguments alone")
        missing = set(range(len(self.kinds))) - {index for _position, index in slots}
        if missing:
            raise ImproperlyConfigured(f"{self!r}: arguments {sorted(missing)} are not passed to the SQL as given")
        iterable = queryset._iterable_class
        if iterable not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
            raise ImproperlyConfigured(f"{self!r}: reads model instances or values_list() rows only")
        return _Compiled(sql, params, tuple(slots), adapters, compiler, iterable), queryset

    def _compiled_for(self, values: tuple, using: str | None) -> tuple[str, _Compiled, QuerySet]:
        self._check(values)
        alias = using or router.db_for_read(self._model())
        found = self._compiled.get(alias)
        if found is None:
            found = self._compiled[alias] = self._prepare(alias)
        return alias, *found

    def _bound(self, values: tuple, using: str | None) -> tuple[_Stand, _Compiled]:
        alias, compiled, queryset = self._compiled_for(values, using)
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connections[alias]  # this thread's connection, not the one that compiled it
        params = compiled.bind(values)
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        return _Stand(queryset, compiler), compiled

    def _model(self) -> type[Model]:
        model = getattr(self, "_model_class", None)
        if model is None:
            model = self._model_class = self.build(*_stand_ins(self.kinds, 0)).model
        return model

    def __call__(self, *values: Any, using: str | None = None) -> list:
        """The results, as the queryset built with these values would give them."""
        stand, compiled = self._bound(values, using)
        return list(compiled.iterable(stand))

    def iterator(self, *values: Any, using: str | None = None) -> Iterator:
        stand, compiled = self._bound(values, using)
        return iter(compiled.iterable(stand))

    def first(self, *values: Any, using: str | None = None):
        """The first result or None (the queryset should say its order, or be on a unique key)."""
        return next(self.iterator(*values, using=using), None)

    def count(self, *values: Any, using: str | None = None) -> int:
        """``SELECT COUNT(*)`` around the compiled SQL (the rows the queryset would give, counted)."""
        alias, compiled, _queryset = self._compiled_for(values, using)
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({compiled.sql}) prepared_count", compiled.bind(values))
            return cursor.fetchone()[0]
