"""Every sort the household list offers is served by one index: its ORDER BY is an index's leading columns.

The SQL is compiled for PostgreSQL (where the indexes live: SQLite cannot index NULLS LAST) whatever database the
suite runs on: a PostgreSQL backend object compiles the queries and the CREATE INDEX statements without connecting.
"""

import importlib
import pkgutil
import re

import pytest
from django.conf import settings
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test import RequestFactory

from households import migrations
from households.filters import HouseholdFilter
from households.models import Household

pytestmark = pytest.mark.django_db

# Compiles only: never connects (so it needs no server, and the suite's own database may be SQLite).
POSTGRES = DatabaseWrapper({**settings.DATABASES["default"], "ENGINE": "django.db.backends.postgresql",
                            "NAME": "compile_only", "OPTIONS": {}, "TEST": {}}, alias="postgresql-compile-only")

SORTS = ["updated", "-updated", "next_contact", "-next_contact", "last_contact", "-last_contact", "address",
         "-address"]


def _order_by(queryset) -> str:
    sql, _params = queryset.values("pk").query.get_compiler(connection=POSTGRES).as_sql()
    return re.sub(r'"households_household"\.', "", sql.split("ORDER BY", 1)[1]).strip()


def _index_columns() -> list[str]:
    # The model's indexes and the PostgreSQL-only ones of the sort-indexes migration (NULLS LAST, which SQLite
    # cannot index), found by its name whatever its number.
    (name,) = [m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name.endswith("_sort_indexes")]
    postgres_only = importlib.import_module(f"households.migrations.{name}").HOUSEHOLD_SORT
    editor = POSTGRES.SchemaEditorClass(POSTGRES, collect_sql=True)
    statements = [str(index.create_sql(Household, editor)) for index in [*Household._meta.indexes, *postgres_only]]
    return [re.search(r"\(([^()]*)\)", s).group(1) for s in statements]  # the key columns, not INCLUDE (...)


def _normalise(columns: str) -> list[str]:
    # An index column without a direction is ASC (NULLS LAST, PostgreSQL's default for ASC).
    return [re.sub(r"\s+ASC$", "", c.strip()) for c in columns.split(",")]


@pytest.mark.parametrize("sort", SORTS)
def test_each_offered_sort_has_an_index_in_its_order(rf: RequestFactory, official, sort):
    request = rf.get("/households/", {"sort": sort})
    request.user = official
    filterset = HouseholdFilter(request.GET, queryset=Household.objects.visible_to(official), request=request)
    assert filterset.is_valid()
    order = _normalise(_order_by(filterset.qs))
    assert order[-1].startswith('"id"')  # the tie-breaker, in the column's direction
    descending = order[0].endswith("DESC") or " DESC " in order[0]
    assert order[-1] == ('"id" DESC' if descending else '"id"')
    forward = [_normalise(cols)[:len(order)] for cols in _index_columns()]
    # A backward scan serves the reverse of a NOT NULL column's index (no NULLS clause to match).
    reverse = [[c[:-5] if c.endswith(" DESC") else f"{c} DESC" for c in cols] for cols in forward
               if not any("NULLS" in c for c in cols)]
    assert order in forward + reverse, (order, forward)


@pytest.mark.parametrize("filtered", ["risk_level", "status", "housing_type"])
def test_each_list_filter_has_a_dong_index_covering_every_date_sort_and_the_id(filtered):
    """A filtered page within the user's dongs is an index-only scan of the matching entries, sorted for the page:
    the filter's index holds the sort keys of every date sort and the id (PostgreSQL INCLUDE columns)."""
    editor = POSTGRES.SchemaEditorClass(POSTGRES, collect_sql=True)
    covering = []
    for index in Household._meta.indexes:
        sql = str(index.create_sql(Household, editor))
        keys = _normalise(re.search(r"\(([^()]*)\)", sql).group(1))
        included = re.search(r"INCLUDE \(([^()]*)\)", sql)
        if keys[0] == '"dong_id"' and f'"{filtered}"' in keys and included:
            covering.append({c.strip() for c in included.group(1).split(",")})
    assert covering, f"no dong index for the {filtered} filter"
    sort_columns = {'"updated_at"', '"next_contact_on"', '"last_contact_on"', '"id"'}
    assert any(sort_columns <= cols for cols in covering)
