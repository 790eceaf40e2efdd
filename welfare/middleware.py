from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.utils.cache import add_never_cache_headers


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's login-required default for every page, except the API: DRF authenticates /api/ itself (tokens
    as well as sessions) and answers 401/403 in JSON instead of redirecting to the login page."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (with Django's never-cache headers) on every response that may show personal
    data: all responses to a signed-in user (pages, HTMX fragments, exports) and every API response (a token
    client is only known after DRF authenticated it, which sets ``request.user`` too). Views of the public
    form set it themselves where needed (the receipt page). Static files never get here: whitenoise answers
    them earlier in MIDDLEWARE, with its own long caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path_info.startswith("/api/"):
            add_never_cache_headers(response)
        return response
