"""SQL a migration writes once per database the product runs on (PostgreSQL in production, SQLite embedded).

Triggers and other vendor-specific DDL cannot be said once in the ORM; a migration gives both texts here and
runs the one for its connection. Any other database is refused with a clear error instead of being left
without the triggers that keep denormalised columns right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class VendorSQL:
    what: str  # named in the error for a database with no text here, e.g. "FollowUp.dong's triggers"
    postgresql: str  # one script (PL/pgSQL bodies hold semicolons, so it is sent whole)
    sqlite: Sequence[str]  # one statement each: SQLite's driver runs one statement per call

    def run(self, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(self.postgresql)
        elif vendor == "sqlite":
            for statement in self.sqlite:
                schema_editor.execute(statement)
        else:
            raise NotImplementedError(f"{self.what} are written only for PostgreSQL and SQLite, not {vendor}")
