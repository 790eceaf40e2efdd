"""PostgreSQL's ``timestamptz`` values read by psycopg's compiled loader, not by Python.

Django registers its own loader for ``timestamptz`` on every psycopg 3 connection (``SpecificTzLoader``, which
sets the time zone Django expects on each value). It derives from psycopg's pure-Python loader, so with
``psycopg[binary]`` installed every timestamp is still parsed by a regular expression in Python (Django ticket
#36960, psycopg issue #1273): about 10 µs a value, 1,300 values on a 200-household API page. Here each new
connection gets a loader that parses with psycopg's own registered loader (the compiled one when psycopg's C
implementation is present) and then sets the time zone exactly as Django's does, so values are equal to Django's
(``tests/welfare/test_pg_timestamps.py``). Its ``timezone`` is the connection's, which is what Django compares
before it registers a loader of its own on a cursor.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import cache

from django.db.backends.signals import connection_created


@cache
def tz_loader(zone: tzinfo | None) -> type:
    """The loader class for connections whose values Django gives the time zone ``zone`` (None: naive)."""
    import psycopg
    from psycopg import abc
    from psycopg.adapt import Loader
    from psycopg.postgres import types
    from psycopg.pq import Format

    registered = psycopg.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
    if registered is None:  # psycopg registers one for every built-in type
        raise LookupError("psycopg has no text loader for timestamptz")
    compiled: type[abc.Loader] = registered

    class CompiledTzLoader(Loader):
        timezone = zone  # read by Django's DatabaseWrapper.create_cursor

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            self._parse = compiled(oid, context).load

        def load(self, data) -> datetime:
            return self._parse(data).replace(tzinfo=self.timezone)  # as Django's BaseTzLoader.load

    return CompiledTzLoader


def _use_compiled_loader(sender, connection, **kwargs) -> None:
    if connection.vendor != "postgresql" or not getattr(connection.connection, "adapters", None):
        return  # SQLite (the embedded default), or psycopg2, which has no adapters map
    connection.connection.adapters.register_loader("timestamptz", tz_loader(connection.timezone))


def install() -> None:
    """Called once from the core's ``AppConfig.ready``."""
    connection_created.connect(_use_compiled_loader, dispatch_uid="welfare.common.pg_timestamps")
