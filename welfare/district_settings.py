"""The sections of the district settings page (구 설정 › 정책), registered by the apps that own them.

The core owns the page (``welfare.views_district.policies``) but none of the policies: each app registers its
section in its own ``<app>/district_settings.py`` (found with ``autodiscover_modules``), giving the form that
turns the POST into values, the service that validates and saves them, and the template of its card. The page
shows the sections by ``order``; the hidden ``which`` field names the one sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import forms

from welfare.common.registries import discover

from .models import District


@dataclass(frozen=True)
class Section:
    key: str  # the ``which`` value, the form's prefix and the name of the form in the page's context
    title: str
    order: int
    template: str  # the card; it gets ``form`` and ``saved``
    form: Callable[[District, Any], forms.Form]  # (district, POST data or None) → the form, bound to its row
    save: Callable[..., Any]  # the service: save(district=..., by=..., data=form.cleaned_data)
    saved_message: str


_sections: dict[str, Section] = {}


def register(section: Section) -> Section:
    """Add (or replace, on a reload) a section; called at import time of ``<app>/district_settings.py``."""
    _sections[section.key] = section
    return section


@cache
def _discover() -> None:
    discover("district_settings")


def sections() -> list[Section]:
    """Every registered section, by order."""
    _discover()
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))
