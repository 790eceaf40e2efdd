from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "households"
    verbose_name = _("세대·대상자")

    def ready(self) -> None:
        # The case-management team's scope (households seen by case, not by dong) joins welfare.scoping.
        from . import scoping  # noqa: F401
