"""The API's follow-up and check-in lists, in their default order, read an index in that order (issue 19): a
district admin's first page walks it and checks each row's household by its key, instead of sorting the
district's follow-ups or check-ins (212 and 126 ms at 1,000,000 households; 19 and 16 ms with the index).

The SQL is compiled for PostgreSQL whatever database the suite runs on (see test_sort_indexes)."""

from __future__ import annotations

import re

import pytest

from households.api.views import CheckInViewSet, FollowUpViewSet
from tests.households.test_sort_indexes import POSTGRES, _normalise

pytestmark = pytest.mark.django_db


def _index_columns(model) -> list[list[str]]:
    editor = POSTGRES.SchemaEditorClass(POSTGRES, collect_sql=True)
    statements = [str(index.create_sql(model, editor)) for index in model._meta.indexes if index.condition is None]
    return [_normalise(re.search(r"\(([^()]*)\)", s).group(1)) for s in statements]


@pytest.mark.parametrize("viewset", [FollowUpViewSet, CheckInViewSet])
def test_the_default_order_of_the_list_is_an_index(rf, viewset, district_admin):
    view = viewset()
    view.request = rf.get("/")
    view.request.user = district_admin
    model = view.get_queryset().model
    queryset = view.get_queryset().order_by(*viewset.ordering).values("pk")  # the viewset's own scoping
    sql, _params = queryset.query.get_compiler(connection=POSTGRES).as_sql()
    table = model._meta.db_table
    order = _normalise(re.sub(rf'"{table}"\.', "", sql.split("ORDER BY", 1)[1]))

    assert any(columns[:len(order)] == order for columns in _index_columns(model)), (order, _index_columns(model))
