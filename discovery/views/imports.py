"""Pages of imports (being built)."""

from __future__ import annotations

urlpatterns: list = []
