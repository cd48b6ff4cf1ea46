from django.urls import path

from . import documents, views

app_name = "budgeting"

# Routes under /app/<pemda_code>/ are scoped: the outsider test checks each answers 404 to an outsider.
urlpatterns = [
    path("app/<str:pemda_code>/anggaran/", views.version_list, name="version-list"),
    path("app/<str:pemda_code>/anggaran/banding/", views.compare, name="compare"),
    path(
        "app/<str:pemda_code>/anggaran/versi/<int:version_id>/", views.version_detail, name="version-detail"
    ),
    path("app/<str:pemda_code>/anggaran/versi/<int:version_id>/pagu/", views.ceilings, name="ceilings"),
    path("app/<str:pemda_code>/anggaran/versi/<int:version_id>/pemeriksaan/", views.checks, name="checks"),
    path(
        "app/<str:pemda_code>/anggaran/versi/<int:version_id>/rka/<str:unit_code>/",
        views.rka_detail,
        name="rka-detail",
    ),
    path(
        "app/<str:pemda_code>/anggaran/versi/<int:version_id>/rka/<str:unit_code>/kegiatan/<str:sub>/",
        views.rka_group,
        name="rka-group",
    ),
    path(
        "app/<str:pemda_code>/anggaran/versi/<int:version_id>/rka/<str:unit_code>/dokumen.pdf",
        documents.rka_document_view,
        {"fmt": "pdf"},
        name="rka-document-pdf",
    ),
    path(
        "app/<str:pemda_code>/anggaran/versi/<int:version_id>/rka/<str:unit_code>/dokumen.xlsx",
        documents.rka_document_view,
        {"fmt": "xlsx"},
        name="rka-document-xlsx",
    ),
    path(
        "app/<str:pemda_code>/anggaran/versi/<int:version_id>/ringkasan.pdf",
        documents.apbd_summary_view,
        {"fmt": "pdf"},
        name="summary-pdf",
    ),
    path(
        "app/<str:pemda_code>/anggaran/versi/<int:version_id>/ringkasan.xlsx",
        documents.apbd_summary_view,
        {"fmt": "xlsx"},
        name="summary-xlsx",
    ),
    path("app/<str:pemda_code>/anggaran/baris/<int:line_id>/rincian/", views.detail_add, name="detail-add"),
    path("app/<str:pemda_code>/anggaran/rincian/<int:detail_id>/", views.detail_edit, name="detail-edit"),
]
