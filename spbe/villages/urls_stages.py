"""Routes of controlled disbursement, reports up the chain and the public APBDes poster.

Staff routes are scoped under /app/<pemda_code>/ and each is in spbe/accounts/tests/test_outsiders.py.
"""

from django.urls import path

from . import poster
from . import views_stages as views

app_name = "village_stages"

BASE = "app/<str:pemda_code>/pencairan-desa/<int:year>/"

urlpatterns = [
    path("app/<str:pemda_code>/pencairan-desa/", views.dashboard_current, name="dashboard-current"),
    path(BASE, views.dashboard, name="dashboard"),
    path(f"{BASE}tahap/<str:kind>/<int:number>/", views.stage_page, name="stage"),
    path(f"{BASE}tahap/<str:kind>/<int:number>/salurkan/", views.stage_release_all, name="release-all"),
    path(
        f"{BASE}tahap/<str:kind>/<int:number>/salurkan/<str:kode_desa>/",
        views.stage_release_one,
        name="release-one",
    ),
    path(f"{BASE}atur/<str:kind>/", views.plan_page, name="plan"),
    path(f"{BASE}terapkan-alokasi/", views.revenue_apply, name="revenue-apply"),
    path(f"{BASE}desa/<str:kode_desa>/", views.desa_page, name="desa"),
    path(f"{BASE}desa/<str:kode_desa>/laporan/", views.desa_report_submit, name="report-submit"),
    path(f"{BASE}desa/<str:kode_desa>/kegiatan/", views.desa_activity, name="activity"),
    path(f"{BASE}laporan/<int:pk>/<str:action>/", views.report_action, name="report-action"),
    path(f"{BASE}konsolidasi/<str:period>/", views.consolidated, name="consolidated"),
    path(
        f"{BASE}konsolidasi/<str:period>.xlsx", views.consolidated, {"fmt": "xlsx"}, name="consolidated-xlsx"
    ),
    path(f"{BASE}konsolidasi/<str:period>.pdf", views.consolidated, {"fmt": "pdf"}, name="consolidated-pdf"),
    path("desa/<str:kode_desa>/apbdes/<int:year>/poster.pdf", poster.poster_pdf, name="poster-pdf"),
    path("desa/<str:kode_desa>/apbdes/<int:year>/poster.png", poster.poster_png, name="poster-png"),
]
