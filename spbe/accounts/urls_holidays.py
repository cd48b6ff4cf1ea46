from django.urls import path

from . import views_holidays

# Mounted inside the accounts namespace (accounts/urls.py); scoped under /app/<pemda_code>/ like the rest.
urlpatterns = [
    path("app/<str:pemda_code>/hari-libur/", views_holidays.holiday_list, name="holiday-list"),
    path("app/<str:pemda_code>/hari-libur/<int:year>/", views_holidays.holiday_list, name="holiday-year"),
    path(
        "app/<str:pemda_code>/hari-libur/hapus/<int:holiday_id>/",
        views_holidays.holiday_remove,
        name="holiday-remove",
    ),
]
