from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("기본계획")

    def ready(self) -> None:
        # Every app's live metrics (households/metrics.py, discovery/metrics.py...) join the one registry.
        from .metrics import METRICS

        METRICS.discover()
