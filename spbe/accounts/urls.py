from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .urls_holidays import urlpatterns as holiday_urlpatterns

app_name = "accounts"

# Every URL below /app/<pemda_code>/ is scoped: the outsider test checks each one answers 404 to an outsider.
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/kata-sandi/", views.password_change, name="password-change"),
    path("app/", views.dashboard, name="dashboard"),
    path("app/<str:pemda_code>/", views.pemda_dashboard, name="pemda-dashboard"),
    path("app/<str:pemda_code>/perangkat-daerah/", views.unit_list, name="unit-list"),
    path("app/<str:pemda_code>/perangkat-daerah/<int:unit_id>/", views.unit_detail, name="unit-detail"),
    path("app/<str:pemda_code>/desa/", views.village_list, name="village-list"),
    path("app/<str:pemda_code>/desa/<str:village_code>/", views.village_detail, name="village-detail"),
    path("app/<str:pemda_code>/audit/", views.audit_log, name="audit-log"),
    path("app/<str:pemda_code>/pengguna/", views.user_list, name="user-list"),
    path("app/<str:pemda_code>/pengguna/<int:user_id>/", views.user_detail, name="user-detail"),
    path(
        "app/<str:pemda_code>/pengguna/<int:user_id>/kata-sandi/",
        views.user_password_reset,
        name="user-password-reset",
    ),
    # action: lock, unlock, deactivate, reactivate (POST only).
    path(
        "app/<str:pemda_code>/pengguna/<int:user_id>/<slug:action>/",
        views.user_account_action,
        name="user-account-action",
    ),
    path(
        "app/<str:pemda_code>/pengguna/keanggotaan/<int:membership_id>/cabut/",
        views.membership_revoke,
        name="membership-revoke",
    ),
    *holiday_urlpatterns,
]
