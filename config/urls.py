"""URL map: public portal at /, staff under /app/, operations under /operasi/, API at /api/v1/."""

from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from spbe.api.urls import api
from spbe.core import views as core_views
from spbe.planning import documents as planning_documents
from spbe.regions import views as regions_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("spbe.portal.urls")),
    path("", include("spbe.accounts.urls")),
    path("", include("spbe.reference.urls")),
    path("", include("spbe.lounge.urls")),
    path("", include("spbe.villages.urls")),
    path("", include("spbe.villages.urls_stages")),
    path("", include("spbe.complaints.urls")),
    path("", include("spbe.planning.urls")),
    path("", include("spbe.planning.urls_plans")),
    path(
        "app/<str:pemda_code>/musrenbang/<int:year>/kecamatan/<str:district_code>/lampiran.pdf",
        planning_documents.kecamatan_annex_pdf,
        name="planning-kecamatan-annex",
    ),
    path("", include("spbe.monitoring.urls")),
    path("", include("spbe.budgeting.urls_realisation")),
    path("", include("spbe.budgeting.urls_sp2d_entry")),
    path("", include("spbe.monitoring.urls_dashboard")),
    path("", include("spbe.budgeting.urls")),
    path("", include("spbe.budgeting.urls_fungsi")),
    path("", include("spbe.budgeting.urls_rkpd_link")),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("operasi/", regions_views.operations, name="operations"),
    path("operasi/wilayah/muat/", regions_views.start_load_regions, name="operations-load-regions"),
    path("operasi/pekerjaan/<uuid:job_id>/", core_views.job_page, name="job"),
    path("operasi/pekerjaan/<uuid:job_id>/status/", core_views.job_status, name="job-status"),
]
urlpatterns += staticfiles_urlpatterns()

handler400 = "spbe.core.views.bad_request"
handler403 = "spbe.core.views.permission_denied"
handler404 = "spbe.core.views.not_found"
handler500 = "spbe.core.views.server_error"
