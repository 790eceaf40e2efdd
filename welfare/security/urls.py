"""The security pages, mounted at the root by ``welfare.urls``: the person's own (/security/) and the district
admin's list of locked accounts (/district/security/locked/)."""

from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("security/", views.home, name="home"),
    path("security/verify/", views.otp_verify, name="otp_verify"),
    path("security/enrol/", views.otp_enrol, name="otp_enrol"),
    path("security/remove/", views.otp_remove, name="otp_remove"),
    path("security/password/", views.password_change, name="password_change"),
    path("district/security/locked/", views.locked_list, name="locked"),
    path("district/security/unlock/", views.unlock, name="unlock"),
]
