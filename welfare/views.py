"""The core's own pages: login and the 500 page. The home page (현황) is households' (``households.views.home``)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON for the API (never a trace), the plain page elsewhere."""
    if request.path_info.startswith("/api/"):
        from .api.errors import server_error as api_server_error

        return api_server_error(request)
    from django.views.defaults import server_error as page_server_error

    return page_server_error(request)
