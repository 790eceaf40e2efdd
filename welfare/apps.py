from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = _("조직·접근기록")

    def ready(self) -> None:
        from .common import constant_translations, lookups, model_choices, pg_timestamps

        model_choices.install()  # choice lists read with one plain SELECT, not a server-side cursor
        pg_timestamps.install()  # timestamps parsed by psycopg's compiled loader (Django's is pure Python)
        constant_translations.install()  # ``{% translate "literal" %}`` rendered once per language
        lookups.install()  # ``id__in`` leaves out numbers too large for the column (SQLite failed on them)
