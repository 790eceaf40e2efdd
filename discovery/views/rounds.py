"""Pages of rounds (being built)."""

from __future__ import annotations

urlpatterns: list = []
