from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = _("조직·접근기록")

    def ready(self) -> None:
        from .common import lookups, model_choices

        model_choices.install()  # choice lists read with one plain SELECT, not a server-side cursor
        lookups.install()  # ``id__in`` leaves out numbers too large for the column (SQLite failed on them)
