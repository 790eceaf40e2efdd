from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """No models of its own (``AccountSecurity`` is in ``welfare.models``): an app only to connect the signal
    receivers that write login failures and lockouts to the access log."""

    name = "welfare.security"
    label = "welfare_security"
    verbose_name = _("로그인 보호")

    def ready(self) -> None:
        from . import lockout  # noqa: F401  (connects the receivers)
