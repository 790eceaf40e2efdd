"""The district admin's pages, mounted at /district/."""

from django.urls import path

from . import views_district as views

app_name = "district"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/password/", views.staff_password, name="staff_password"),
    path("policies/", views.policies, name="policies"),
]
