"""Reads built and compiled by the ORM once per process, then run with new values; one row's INSERT likewise.

Django builds a queryset and compiles it to SQL anew on every call: for a small statement that costs two to
three times the statement itself (the bench's ``orm_floor``). The reads every signed-in page makes (the session,
the user, their membership and dongs, the bell's count) and those of the household page (its panels, its
timeline) have one shape whatever the values: a :class:`Prepared` read is that queryset written once, over its
arguments, and compiled at its first use per database alias. Later calls run the same SQL with the new values in
the arguments' places and turn the rows into what the queryset would have given (model instances, with
``select_related`` and annotations; plain values; a count).

The queryset stays the one home of the rule (its scoping, its columns, its order): this only skips rebuilding
it. At its first use a read is built twice with two sets of stand-in values and both are compiled; it is refused
(``ImproperlyConfigured``) unless the two give the same SQL, every stand-in is found among the parameters in the
same places, and every other parameter is the same in both. That catches a build that changes its SQL with a
value, that transforms an argument (``__contains`` wraps it in ``%``), or that reads the clock. A build must
depend on its arguments alone (a date read inside it would be kept until the process restarts): pass the day or
the time in as an argument. Arguments are ``int``, ``str``, an aware ``datetime``, a ``date`` (passed as a
``DateTimeField`` or a ``DateField`` passes them) or a list of ints (an ``IN``: compiled once per length).

:class:`PreparedInsert` writes one row with the ``INSERT`` Django wrote for the model at its first use (the
access log's row, on every request).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections, router, transaction
from django.db.models import Model, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    NamedValuesListIterable,
    ValuesListIterable,
)
from django.db.models.sql import InsertQuery

# How many compiled forms a read keeps (one per database and length of each list): a page's ids or a user's dongs
# stay well within it; a longer tail is compiled on each call, as the ORM would.
MAX_SHAPES = 64
_SCALARS = (int, str, dt.datetime, dt.date)
_KINDS = (*_SCALARS, list)  # a list is of ints (an ``IN``): its SQL has one placeholder per value
# Stand-in values: negative (no key is), within a 32-bit integer column's range (Django answers an empty result
# for a value outside it without asking the database), and apart from each other; instants and days no row holds.
_STAND_INS: dict[type, tuple] = {
    int: (-2_013_265_921, -2_013_366_921),
    str: ("\x1fprepared-a-", "\x1fprepared-b-"),
    dt.datetime: (dt.datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC), dt.datetime(1902, 3, 4, 5, 6, 7, 8, tzinfo=dt.UTC)),
    dt.date: (dt.date(1901, 2, 3), dt.date(1902, 3, 4)),
}


def _stand_in(kind: type, which: int, number: int):
    """The ``number``-th stand-in of a kind, in the first (0) or second (1) set."""
    base = _STAND_INS[kind][which]
    if kind is int:
        return base - number
    if kind is str:
        return f"{base}{number}"
    return base + dt.timedelta(days=number)


def _adapter(kind: type, connection) -> Callable[[Any], Any]:
    """How the ORM passes a value of this kind to the database: ints and strings as they are, an instant as a
    ``DateTimeField`` does and a day as a ``DateField`` does (SQLite takes text)."""
    if kind is dt.datetime:
        return connection.ops.adapt_datetimefield_value
    if kind is dt.date:
        return connection.ops.adapt_datefield_value
    return lambda value: value


def _flat(kinds: tuple[type, ...], values: tuple) -> list[tuple[type, Any]]:
    """Every scalar of the arguments, in order, with its kind (a list's ints one by one)."""
    out: list[tuple[type, Any]] = []
    for kind, value in zip(kinds, values, strict=True):
        if kind is list:
            out.extend((int, item) for item in value)
        else:
            out.append((kind, value))
    return out


@dataclass(frozen=True)
class _Compiled:
    """One read compiled for one database and one length of each list: its SQL, its parameters with the
    arguments' slots, and the compiler whose columns, converters and model layout turn the rows into results.
    ``sql`` is None when the ORM knew without asking that there are no rows (an empty ``IN``)."""

    sql: str | None
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (position in params, index among the arguments' scalars)
    adapters: tuple[Callable[[Any], Any], ...]  # per scalar
    compiler: Any
    iterable: type

    def bind(self, scalars: list) -> list:
        params = list(self.params)
        for position, index in self.slots:
            params[position] = self.adapters[index](scalars[index])
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
    """A read whose queryset is built by ``build(*arguments)`` and compiled once per database (and per length of
    each list argument).

    ``kinds`` are the arguments' types: ``int``, ``str``, an aware ``datetime``, a ``date`` or a ``list`` of ints.
    The queryset may end in ``values_list()``; it may not use ``prefetch_related`` (a second query the compiled SQL
    does not hold: run ``prefetch_related_objects`` on the results).
    """

    def __init__(self, build: Callable[..., QuerySet], *kinds: type):
        if not kinds or any(kind not in _KINDS for kind in kinds):
            raise ImproperlyConfigured("Prepared reads take int, str, datetime, date or list-of-int arguments")
        self.build = build
        self.kinds = kinds
        self._compiled: dict[tuple, tuple[_Compiled, QuerySet]] = {}
        self._model_class: type[Model] | None = None

    def __repr__(self) -> str:
        return f"<Prepared {getattr(self.build, '__qualname__', self.build)}>"

    def _check(self, values: tuple) -> None:
        def fits(value, kind) -> bool:
            if kind is list:
                return type(value) is list and all(type(item) is int for item in value)
            if kind is dt.datetime:
                return type(value) is dt.datetime and value.tzinfo is not None
            return type(value) is kind

        if len(values) != len(self.kinds) or not all(fits(v, k) for v, k in zip(values, self.kinds, strict=True)):
            raise TypeError(f"{self!r} takes ({', '.join(k.__name__ for k in self.kinds)}), got {values!r}")

    def _compile(self, queryset: QuerySet) -> tuple[str | None, tuple, Any]:
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]  # Django's, not in django-stubs
            raise ImproperlyConfigured(f"{self!r}: prefetch_related needs a query of its own")
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None, (), compiler
        return sql, tuple(params), compiler

    def _prepare(self, alias: str, lengths: tuple[int, ...]) -> tuple[_Compiled, QuerySet]:
        def arguments(which: int) -> list:
            out, number, sizes = [], 0, iter(lengths)
            for kind in self.kinds:
                if kind is list:
                    size = next(sizes)
                    out.append([_stand_in(int, which, number + k) for k in range(size)])
                    number += size
                else:
                    out.append(_stand_in(kind, which, number))
                    number += 1
            return out

        connection = connections[alias]
        first_args, second_args = arguments(0), arguments(1)
        queryset, other = self.build(*first_args).using(alias), self.build(*second_args).using(alias)
        scalar_kinds = [kind for kind, _value in _flat(self.kinds, tuple(first_args))]
        adapters = tuple(_adapter(kind, connection) for kind in scalar_kinds)
        first = [adapt(value) for adapt, (_k, value) in zip(adapters, _flat(self.kinds, tuple(first_args)), strict=True)]
        second = [adapt(value) for adapt, (_k, value) in zip(adapters, _flat(self.kinds, tuple(second_args)),
                                                               strict=True)]
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
        missing = set(range(len(first))) - {index for _position, index in slots}
        if missing and sql is not None:
            raise ImproperlyConfigured(f"{self!r}: arguments {sorted(missing)} are not passed to the SQL as given")
        iterable = queryset._iterable_class
        if iterable not in (ModelIterable, ValuesListIterable, FlatValuesListIterable, NamedValuesListIterable):
            raise ImproperlyConfigured(f"{self!r}: reads model instances or values_list() rows only")
        return _Compiled(sql, params, tuple(slots), adapters, compiler, iterable), queryset

    def _compiled_for(self, values: tuple, using: str | None) -> tuple[str, _Compiled, QuerySet]:
        self._check(values)
        alias = using or router.db_for_read(self._model())
        lengths = tuple(len(value) for value, kind in zip(values, self.kinds, strict=True) if kind is list)
        found = self._compiled.get((alias, lengths))
        if found is None:
            found = self._prepare(alias, lengths)
            if len(self._compiled) < MAX_SHAPES:  # lists of unbounded lengths: the rest compiled on each call
                self._compiled[(alias, lengths)] = found
        return alias, *found

    def _model(self) -> type[Model]:
        if self._model_class is None:
            self._model_class = self.build(*[[] if kind is list else _stand_in(kind, 0, 0) for kind in self.kinds]).model
        return self._model_class

    def _compiler(self, alias: str, compiled: _Compiled):
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connections[alias]  # this thread's connection, not the one that compiled it
        return compiler

    def iterator(self, *values: Any, using: str | None = None) -> Iterator:
        alias, compiled, queryset = self._compiled_for(values, using)
        if compiled.sql is None:
            return iter(())
        compiler = self._compiler(alias, compiled)
        params = compiled.bind([value for _kind, value in _flat(self.kinds, values)])
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        return iter(compiled.iterable(_Stand(queryset, compiler)))

    def statement(self, *values: Any, using: str | None = None) -> tuple[str | None, list, Any]:
        """The SQL with these values and its parameters, and the compiler (its connection, its converters) for a
        caller that runs the SQL inside its own (a count, a page of it). The SQL is None when there are no rows."""
        alias, compiled, _queryset = self._compiled_for(values, using)
        params = compiled.bind([value for _kind, value in _flat(self.kinds, values)]) if compiled.sql else []
        return compiled.sql, params, self._compiler(alias, compiled)

    def __call__(self, *values: Any, using: str | None = None) -> list:
        """The results, as the queryset built with these values would give them."""
        return list(self.iterator(*values, using=using))

    def first(self, *values: Any, using: str | None = None):
        """The first result or None (the queryset should say its order, or be on a unique key)."""
        return next(self.iterator(*values, using=using), None)

    def count(self, *values: Any, using: str | None = None) -> int:
        """``SELECT COUNT(*)`` around the compiled SQL (the rows the queryset would give, counted)."""
        alias, compiled, _queryset = self._compiled_for(values, using)
        if compiled.sql is None:
            return 0
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({compiled.sql}) prepared_count",
                           compiled.bind([value for _kind, value in _flat(self.kinds, values)]))
            return cursor.fetchone()[0]


M = TypeVar("M", bound=Model)


class PreparedInsert:
    """One row's ``INSERT`` of a model, its SQL written by Django once per database.

    Each call prepares the row's values as Django's insert does (each field's ``pre_save`` and
    ``get_db_prep_save``, through the compiler's own methods) and runs the SQL written at the first call, reading
    the new key back as ``save()`` would. For a table written on every request (the access log). No ``pre_save`` or
    ``post_save`` signal is sent: a model with receivers must not use it. A value that is an expression, or a field
    with a placeholder of its own, takes Django's ``save()`` instead.
    """

    def __init__(self, model: type[Model]):
        self.model = model
        meta = model._meta
        self.fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
        self.returning = meta.db_returning_fields
        self.plain = not any(hasattr(field, "get_placeholder") for field in self.fields)
        self._compiled: dict[str, tuple[str, tuple, Any]] = {}

    def __call__(self, obj: M, *, using: str | None = None) -> M:
        alias = using or router.db_for_write(self.model, instance=obj)
        compiled = self._compiled.get(alias)
        if compiled is None:
            query = InsertQuery(self.model)
            query.insert_values(self.fields, [obj])
            compiler = query.get_compiler(using=alias)
            compiler.returning_fields = self.returning
            [(sql, _params)] = compiler.as_sql()
            if sql.count("%s") != len(self.fields) + len(compiler.returning_params or ()):
                self.plain = False  # a placeholder Django writes its own way: save() every time
            compiled = self._compiled[alias] = (sql, tuple(compiler.returning_params or ()), compiler)
        sql, returning_params, compiler = compiled
        compiler = copy.copy(compiler)
        compiler.connection = connections[alias]
        params = tuple(compiler.prepare_value(field, compiler.pre_save_val(field, obj)) for field in self.fields)
        if not self.plain or any(hasattr(value, "as_sql") for value in params):
            obj.save(force_insert=True, using=alias)
            return obj
        compiler.as_sql = lambda: [(sql, params + returning_params)]
        with transaction.mark_for_rollback_on_error(using=alias):
            rows = compiler.execute_sql(self.returning)
        for value, field in zip(rows[0] if rows else (), self.returning, strict=False):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = alias
        return obj


def as_prefetched(instance: Model, name: str, rows: list) -> None:
    """Gives ``instance`` the rows of its reverse relation ``name`` (read by a :class:`Prepared` read of their
    own) as ``prefetch_related`` does (Django's ``prefetch_one_level``): ``instance.<name>.all()`` then answers
    them without a query. Each row's own link back is set to ``instance``."""
    manager = getattr(instance, name)
    link = manager.field.name  # the rows' foreign key to the instance
    for row in rows:
        setattr(row, link, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[manager.field.remote_field.cache_name] = queryset
