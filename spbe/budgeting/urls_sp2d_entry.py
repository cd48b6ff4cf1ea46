"""Entering realisation on pages, under /app/<pemda_code>/realisasi/<year>/ (scoped: the outsider test
checks each answers 404 to an outsider)."""

from django.urls import path

from . import views_sp2d_entry as views

app_name = "sp2d-entry"

urlpatterns = [
    path("app/<str:pemda_code>/realisasi/<int:year>/sp2d/baru/", views.sp2d_new, name="sp2d-new"),
    path("app/<str:pemda_code>/realisasi/<int:year>/sts/baru/", views.sts_new, name="sts-new"),
    path("app/<str:pemda_code>/realisasi/<int:year>/impor/", views.upload, name="upload"),
]
