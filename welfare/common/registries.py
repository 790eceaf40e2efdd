"""Registries filled by the apps: each app's module of a given name (``jobs``, ``timeline``, ``metrics``...) is
imported the first time a registry is read, so the core and lower apps never import an app above them.

Django's ``autodiscover_modules`` asks the import system about every installed app on each call; a registry read
on every request (the household page reads four) paid that each time. ``discover`` does it once per name and
process: a module once imported stays imported, so later calls had nothing to add.
"""

from __future__ import annotations

import functools

from django.utils.module_loading import autodiscover_modules


@functools.cache
def _discover(module_name: str) -> None:
    autodiscover_modules(module_name)


def discover(*module_names: str) -> None:
    """Import every installed app's module of each name (once per process; an import error is raised each time)."""
    for name in module_names:
        _discover(name)
