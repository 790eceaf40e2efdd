"""The public tip-off form at /report/ (being built)."""

from __future__ import annotations

urlpatterns: list = []
