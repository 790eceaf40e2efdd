"""Indexes that exist only on PostgreSQL (trigram GIN, pattern and expression indexes for the search box).

They are created by a migration operation that does nothing on another database, and they are deliberately NOT
in the models' ``Meta.indexes``: SQLite rebuilds a table from the model state whenever a later migration alters
it, and would then try to create a GIN index it does not know. So the model state stays free of them
(``makemigrations --check`` stays clean) and each model's docstring names them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models import Index


def postgres_only_indexes(app_label: str, model_name: str, indexes: Sequence[Index]) -> migrations.RunPython:
    """A migration operation creating ``indexes`` on ``app_label.model_name`` on PostgreSQL (dropping them when
    unapplied); on any other database it does nothing (the search then runs the same lookups without them)."""

    def forwards(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model(app_label, model_name)
        for index in indexes:
            schema_editor.execute(index.create_sql(model, schema_editor))

    def backwards(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model(app_label, model_name)
        for index in indexes:
            schema_editor.execute(index.remove_sql(model, schema_editor))

    return migrations.RunPython(forwards, backwards, elidable=False)


class TrigramExtensionKept(TrigramExtension):
    """``CREATE EXTENSION pg_trgm`` (PostgreSQL only, as Django's operation), never dropped when unapplied: two
    apps' migrations create it and the other app's indexes may still use it."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        return None
