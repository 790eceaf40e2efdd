"""The one DRF router of /api/v1/. Each app registers its viewsets in its own api module."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
API_MODULES = ("households.api", "discovery.api", "plans.api")


def build():
    import importlib

    for module in API_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return router
