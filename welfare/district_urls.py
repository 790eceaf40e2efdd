"""The district admin's pages, mounted at /district/."""

from django.urls import path

from . import views_district as views
from . import views_reference as reference
from .access_review import views as access
from .messaging import views as messaging

app_name = "district"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/password/", views.staff_password, name="staff_password"),
    path("policies/", views.policies, name="policies"),
    path("access/", access.review, name="access"),
    path("access/review/", access.review_mark, name="access_review"),
    path("access/export/", access.export, name="access_export"),
    path("dongs/", reference.dongs, name="dongs"),
    path("dongs/<int:pk>/", reference.dong_edit, name="dong_edit"),
    path("reference/<slug:key>/", reference.reference_list, name="reference"),
    path("reference/<slug:key>/<int:pk>/", reference.reference_edit, name="reference_edit"),
    path("messages/", messaging.template_list, name="messages"),
    path("messages/log/", messaging.message_log, name="message_log"),
    path("messages/<slug:purpose>/", messaging.template_edit, name="message_edit"),
]
