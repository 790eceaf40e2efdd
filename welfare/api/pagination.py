from rest_framework import pagination


class CursorPage(pagination.CursorPagination):
    """Stable under inserts, for incremental sync. ``page_size`` may be asked for, up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-updated_at", "-id")
