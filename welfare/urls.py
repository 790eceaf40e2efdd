"""The project's URLs: the composition place that mounts every app (the core's other modules import none)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from households.views.home import dong_status, home

from . import views, views_filters, views_search, views_today
from .api import router as api_router

admin.site.site_header = "동 복지 사례관리 관리자"
admin.site.site_title = "dong-welfare"

urlpatterns = [
    path("", home, name="home"),
    path("status/", dong_status, name="dong_status"),
    path("today/", views_today.today, name="today"),
    path("inbox/", views_today.inbox, name="inbox"),
    path("inbox/<str:source>/<int:pk>/", views_today.inbox_decide, name="inbox_decide"),
    path("sw.js", login_not_required(views.service_worker), name="service_worker"),
    path("login/", login_not_required(views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("search/", views_search.search_page, name="search"),
    path("filters/save/", views_filters.save, name="saved_filter_save"),
    path("filters/<int:pk>/delete/", views_filters.delete, name="saved_filter_delete"),
    path("households/", include("households.urls")),
    path("plans/", include("plans.urls")),
    path("discovery/", include("discovery.urls")),
    path("report/", include("discovery.public_urls")),
    path("notifications/", include("welfare.notification_urls")),
    path("", include("welfare.security.urls")),  # /security/… and /district/security/locked/
    path("district/", include("welfare.district_urls")),
    path("api/v1/", include(api_router.build().urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from the same URL (?script): no inline script, as the CSP asks.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
         name="api-docs"),
    path("admin/", admin.site.urls),
]

handler404 = "welfare.api.errors.not_found"
handler500 = "welfare.views.server_error"
