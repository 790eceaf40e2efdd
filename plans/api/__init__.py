"""The plans API: ``views`` registers the plan and resource viewsets on the one router (welfare.api.router)."""

from . import views  # noqa: F401
