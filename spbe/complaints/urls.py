from django.urls import path

from . import receipt, views

app_name = "complaints"

urlpatterns = [
    path("pemda/<str:pemda_code>/pengaduan/", views.complaint_form, name="form"),
    path("pengaduan/", views.complaint_lookup, name="lookup"),
    path("pengaduan/<str:ticket>/", views.complaint_status, name="status"),
    path("pengaduan/<str:ticket>/cetak/<str:width>/", receipt.receipt, name="receipt"),
    path("app/<str:pemda_code>/pengaduan/", views.staff_list, name="staff-list"),
    path("app/<str:pemda_code>/pengaduan/<str:ticket>/", views.staff_detail, name="staff-detail"),
]
