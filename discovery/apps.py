from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscoveryConfig(AppConfig):
    name = "discovery"
    verbose_name = _("발굴")

    def ready(self) -> None:
        # The universal_visits job joins welfare.jobs' registry (and households' sweep hooks) at start-up.
        from . import jobs  # noqa: F401
