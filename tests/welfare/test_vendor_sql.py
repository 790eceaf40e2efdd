"""welfare.common.vendor_sql: a migration's vendor-specific SQL runs as written for its database, or is refused."""

from types import SimpleNamespace

import pytest

from welfare.common.vendor_sql import VendorSQL

SQL = VendorSQL("Test triggers", "CREATE A; CREATE B;", ["CREATE A", "CREATE B"])


class Editor:
    def __init__(self, vendor):
        self.connection = SimpleNamespace(vendor=vendor)
        self.sent = []

    def execute(self, sql):
        self.sent.append(sql)


def test_postgresql_gets_its_script_whole():
    editor = Editor("postgresql")
    SQL.run(editor)
    assert editor.sent == ["CREATE A; CREATE B;"]


def test_sqlite_gets_one_statement_per_call():
    editor = Editor("sqlite")
    SQL.run(editor)
    assert editor.sent == ["CREATE A", "CREATE B"]


def test_another_database_is_refused_by_name_and_nothing_is_sent():
    editor = Editor("mysql")
    with pytest.raises(NotImplementedError, match="Test triggers .* not mysql"):
        SQL.run(editor)
    assert editor.sent == []
