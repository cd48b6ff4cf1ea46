"""The APBD summary by function, under /app/<pemda_code>/anggaran/versi/<id>/ (scoped: the outsider test
checks each answers 404 to an outsider)."""

from django.urls import path

from . import views_fungsi as views

app_name = "budget-fungsi"

urlpatterns = [
    path("app/<str:pemda_code>/anggaran/versi/<int:version_id>/fungsi/", views.summary_page, name="summary"),
    path(
        "app/<str:pemda_code>/anggaran/versi/<int:version_id>/fungsi.pdf",
        views.summary_document,
        {"fmt": "pdf"},
        name="summary-pdf",
    ),
    path(
        "app/<str:pemda_code>/anggaran/versi/<int:version_id>/fungsi.xlsx",
        views.summary_document,
        {"fmt": "xlsx"},
        name="summary-xlsx",
    ),
]
