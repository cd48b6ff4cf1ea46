from django.urls import path

from . import public_views, urls_curve_import, urls_e81, urls_rfk, urls_scm, views

app_name = "monitoring"

urlpatterns = [
    path("pemda/<str:pemda_code>/proyek/", public_views.project_list, name="public-list"),
    path("pemda/<str:pemda_code>/proyek/<int:pk>/", public_views.project_page, name="public-project"),
    path("app/<str:pemda_code>/monitoring/", views.project_list, name="project-list"),
    path("app/<str:pemda_code>/monitoring/pekerjaan/<int:pk>/", views.project_detail, name="project-detail"),
    path(
        "app/<str:pemda_code>/monitoring/pekerjaan/<int:pk>/lapor/", views.report_create, name="report-create"
    ),
    path("app/<str:pemda_code>/monitoring/laporan/<int:pk>/", views.report_check, name="report-check"),
    path("app/<str:pemda_code>/monitoring/foto/<int:pk>/", views.photo, name="photo"),
]

urlpatterns += [
    *urls_curve_import.urlpatterns,
    *urls_scm.urlpatterns,
    *urls_rfk.urlpatterns,
    *urls_e81.urlpatterns,
]
