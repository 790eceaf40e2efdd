"""The core's own pages: login and the 500 page. The home page (현황) is households' (``households.views.home``)."""

from __future__ import annotations

import json

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON for the API (never a trace), the plain page elsewhere."""
    if request.path_info.startswith("/api/"):
        from .api.errors import server_error as api_server_error

        return api_server_error(request)
    from django.views.defaults import server_error as page_server_error

    return page_server_error(request)


def service_worker(request: HttpRequest) -> HttpResponse:
    """The field app's service worker at the site's root (its scope is the whole site): the list of the app
    shell's files (with their static URLs, hashed in production) and then ``static/js/field/sw.js``. Public (a
    signed-out tablet must still update it), no personal data, never cached by the browser."""
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.templatetags.static import static
    from django.urls import reverse

    path = finders.find("js/field/sw.js")
    if path:
        with open(path, encoding="utf-8") as handle:
            body = handle.read()
    else:  # collected static files only (production)
        with staticfiles_storage.open("js/field/sw.js") as handle:
            body = handle.read().decode("utf-8")
    assets = [static(name) for name in SHELL_ASSETS]
    shells = {"home": reverse("households:field_home"), "household": reverse("households:field_household")}
    preamble = f"const SHELL = {json.dumps(shells)};\nconst ASSETS = {json.dumps(assets)};\n"
    response = HttpResponse(preamble + body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


# The files the offline pages need, cached when the service worker installs.
SHELL_ASSETS = (
    "css/app.css", "css/field.css", "css/consents.css", "js/app.js", "js/signature.js", "js/field/store.js",
    "js/field/field.js", "js/field/offline.js", "manifest.webmanifest", "icons/icon-192.png", "icons/icon-512.png",
)


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on their own whatever the page says: the static icon (cached a day)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    response = HttpResponsePermanentRedirect(static("favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
