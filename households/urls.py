from django.urls import path

from .views import (
    areas,
    attachments,
    cases,
    exports,
    field,
    households,
    printing,
    risk,
    transfers,
    visits,
    worklists,
)

app_name = "households"

urlpatterns = [
    path("", households.household_list, name="list"),
    path("new/", households.household_create, name="create"),
    path("<int:pk>/", households.household_detail, name="detail"),
    path("<int:pk>/edit/", households.household_edit, name="edit"),
    path("<int:pk>/emergency/", risk.household_emergency, name="emergency"),
    path("<int:pk>/residents/new/", households.resident_add, name="resident_add"),
    path("<int:pk>/residents/<int:resident_pk>/edit/", households.resident_edit, name="resident_edit"),
    path("<int:pk>/residents/<int:resident_pk>/rrn/", households.rrn_reveal, name="rrn_reveal"),
    path("<int:pk>/residents/<int:resident_pk>/consents/new/", households.consent_add, name="consent_add"),
    path(
        "<int:pk>/residents/<int:resident_pk>/consents/<int:consent_pk>/withdraw/",
        households.consent_withdraw, name="consent_withdraw",
    ),
    path("<int:pk>/residents/<int:resident_pk>/sensitive/", households.sensitive_edit, name="sensitive_edit"),
    *attachments.urlpatterns,
    *visits.urlpatterns,
    *field.urlpatterns,
    *cases.urlpatterns,
    *worklists.urlpatterns,
    *transfers.urlpatterns,
    *areas.urlpatterns,
    *exports.urlpatterns,
    *printing.urlpatterns,
]
