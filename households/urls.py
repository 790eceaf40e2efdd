from django.urls import path

from . import views

app_name = "households"

urlpatterns = [
    path("", views.household_list, name="list"),
    path("new/", views.household_create, name="create"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/residents/new/", views.resident_add, name="resident_add"),
    path("<int:pk>/residents/<int:resident_pk>/edit/", views.resident_edit, name="resident_edit"),
    path("<int:pk>/residents/<int:resident_pk>/rrn/", views.rrn_reveal, name="rrn_reveal"),
    path("<int:pk>/residents/<int:resident_pk>/consents/new/", views.consent_add, name="consent_add"),
    path(
        "<int:pk>/residents/<int:resident_pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw, name="consent_withdraw",
    ),
    path("<int:pk>/residents/<int:resident_pk>/sensitive/", views.sensitive_edit, name="sensitive_edit"),
]
