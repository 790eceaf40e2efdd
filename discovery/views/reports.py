"""Pages of reports (being built)."""

from __future__ import annotations

urlpatterns: list = []
