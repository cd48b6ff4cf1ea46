"""Starting an RKA from the RKPD (scoped: the outsider test checks each route answers 404 to an outsider)."""

from django.urls import path

from . import views_rkpd_link as views

app_name = "rkpd-link"

urlpatterns = [
    path(
        "app/<str:pemda_code>/anggaran/versi/<int:version_id>/rka/<str:unit_code>/mulai-rkpd/",
        views.start,
        name="start",
    ),
]
