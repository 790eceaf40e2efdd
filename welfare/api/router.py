"""The one DRF router of /api/v1/. Each app registers its viewsets in its own ``api`` module, which
:func:`build` discovers (the core names no app)."""

from rest_framework.routers import DefaultRouter

from welfare.common.registries import discover

router = DefaultRouter()


def build() -> DefaultRouter:
    """The router with every installed app's ``<app>.api`` imported (INSTALLED_APPS order; an app without one
    is skipped, an error inside one is raised)."""
    discover("api")
    return router
